/**
 * A hostile signed-in user (and a hostile page) against accounts, hosts and conversations,
 * through a real server, a real SMTP server of the test's own and a software passkey: each
 * case is a hole a probe of the server found, and what it answers now.
 */
import crypto from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './helpers/browser-session';
import { MailServer, tokenIn } from './helpers/mail-server';
import { startApi, tempDir } from './helpers/roost';
import { SoftPasskey } from './helpers/soft-passkey';
import { freePort } from './helpers/tcp-proxy';
import { until } from './helpers/until';
import type { RoostServer } from '../server/app-server';

/** The row key of a browser's session: the SHA-256 of its cookie's id. */
const keyOf = (b: BrowserSession) => {
  const value = /roost_session=([^;]+)/.exec(b.cookie)![1]!;
  return crypto.createHash('sha256').update(value.slice(0, value.lastIndexOf('.'))).digest('hex');
};

describe('hostile people', () => {
  let mail: MailServer;
  let api: RoostServer & { url: string };

  async function signedIn(email: string): Promise<BrowserSession> {
    const b = new BrowserSession(api.url);
    const before = mail.to(email).length;
    expect((await b.api('/api/auth/email', { method: 'POST', body: { email } })).status).toBe(202);
    const token = tokenIn(await mail.nth(email, before + 1));
    expect((await b.api('/api/auth/email/verify', { method: 'POST', body: { token } })).status).toBe(200);
    return b;
  }

  beforeAll(async () => {
    mail = await MailServer.start();
    const port = await freePort();
    api = await startApi(tempDir('hostile-people'), { PORT: String(port), SMTP_URL: mail.url, PUBLIC_URL: `http://127.0.0.1:${port}`, RATE_PHOTOS_PER_DAY: '3', RATE_HOST_LISTINGS_PER_DAY: '3', RATE_CONVERSATIONS_PER_DAY: '3' });
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await mail?.stop();
  });

  it('a passkey whose credential id is registered already is refused (400 naming response), and makes no account', async () => {
    const first = new SoftPasskey();
    const owner = new BrowserSession(api.url);
    const options = (await owner.json('/api/auth/passkey/register/options', { method: 'POST', body: { name: 'Owner' } })).body;
    expect((await owner.json('/api/auth/passkey/register/verify', { method: 'POST', body: { response: first.register(options, api.url) } })).status).toBe(201);

    // Another authenticator claiming the same credential id: a sign-up, and an add to a signed-in account.
    const copy = new SoftPasskey(first.id);
    const stranger = new BrowserSession(api.url);
    const theirs = (await stranger.json('/api/auth/passkey/register/options', { method: 'POST', body: { name: 'Copy' } })).body;
    const signUp = await stranger.json('/api/auth/passkey/register/verify', { method: 'POST', body: { response: copy.register(theirs, api.url) } });
    expect(signUp.status).toBe(400);
    expect(signUp.body.error.field).toBe('response');
    expect(await api.accounts.account(Buffer.from(theirs.user.id, 'base64url').toString())).toBeNull();
    expect((await stranger.json('/api/me')).body.account).toBeNull();

    const member = await signedIn('adds-a-copy@example.com');
    const add = (await member.json('/api/auth/passkey/register/options', { method: 'POST', body: {} })).body;
    const added = await member.json('/api/auth/passkey/register/verify', { method: 'POST', body: { response: copy.register(add, api.url) } });
    expect([added.status, added.body.error?.field]).toEqual([400, 'response']);

    // The first owner still signs in with it, and nobody else does.
    const login = (await new BrowserSession(api.url).json('/api/auth/passkey/login/options', { method: 'POST', body: {} })).body;
    const again = new BrowserSession(api.url);
    expect((await again.json('/api/auth/passkey/login/verify', { method: 'POST', body: { response: first.assert(login, api.url) } })).body.account.name).toBe('Owner');
  });

  it("a sign-in link opened in another browser asks for the address it was mailed to: an attacker's own link cannot sign a victim in to the attacker's account and take what the victim kept", async () => {
    const lister = await signedIn('lister@example.com');
    const listingId = (await lister.json('/api/listings', { method: 'POST', body: { title: 'Kept home', lat: 48.85, lon: 2.35, price: 1500, type: 'entire' } })).body.id as string;

    // The attacker asks for a link to their own address, in their own browser, and sends it on.
    const attacker = new BrowserSession(api.url);
    expect((await attacker.api('/api/auth/email', { method: 'POST', body: { email: 'attacker@example.com' } })).status).toBe(202);
    const token = tokenIn(await mail.nth('attacker@example.com'));

    // The victim kept a home anonymously, opens the link and presses its button.
    const victim = new BrowserSession(api.url);
    expect((await victim.api(`/api/favourites/${listingId}`, { method: 'PUT' })).status).toBe(204);
    const pressed = await victim.json('/api/auth/email/verify', { method: 'POST', body: { token } });
    expect([pressed.status, pressed.body.error?.field]).toEqual([400, 'email']);
    const guessed = await victim.json('/api/auth/email/verify', { method: 'POST', body: { token, email: 'victim@example.com' } });
    expect([guessed.status, guessed.body.error?.field]).toEqual([400, 'email']);
    expect((await victim.json('/api/me')).body.account).toBeNull();
    expect((await victim.json('/api/favourites')).body.favourites).toHaveLength(1);

    // The link still works where it was asked for, and the attacker's account has nothing of the victim's.
    expect((await attacker.json('/api/auth/email/verify', { method: 'POST', body: { token } })).body.account.email).toBe('attacker@example.com');
    expect((await attacker.json('/api/favourites')).body.favourites).toEqual([]);

    // A renter who asked on the laptop and opened the mail on the phone types their address: signed in, with what the phone kept.
    const laptop = new BrowserSession(api.url);
    expect((await laptop.api('/api/auth/email', { method: 'POST', body: { email: 'two-devices@example.com' } })).status).toBe(202);
    const theirs = tokenIn(await mail.nth('two-devices@example.com'));
    const phone = new BrowserSession(api.url);
    expect((await phone.api(`/api/favourites/${listingId}`, { method: 'PUT' })).status).toBe(204);
    const typed = await phone.json('/api/auth/email/verify', { method: 'POST', body: { token: theirs, email: ' Two-Devices@example.com' } });
    expect(typed.status).toBe(200);
    expect(typed.body.account.email).toBe('two-devices@example.com');
    expect((await phone.json('/api/favourites')).body.favourites.map((f: { listing: { id: string } }) => f.listing.id)).toEqual([listingId]);
  });

  it('a browser in use stays signed in: the cookie lives as long as its session row, which slides with use (the cookie had a fixed 90 days from sign-in)', async () => {
    const b = await signedIn('daily-user@example.com');
    const key = keyOf(b);
    const day = 24 * 3600 * 1000;
    // Signed in 60 days ago, last used 2 days ago: the next request moves the row's expiry to 90 days from now.
    await api.accounts.touchSession(key, Date.now() - 2 * day, Date.now() + 88 * day);
    const res = await b.api('/api/me');
    expect(((await res.json()) as { account: { email: string } }).account.email).toBe('daily-user@example.com');
    const maxAge = Number(/Max-Age=(\d+)/.exec(res.headers.get('set-cookie') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(89 * 24 * 3600);
    expect((await api.accounts.session(key))!.expiresAt).toBeGreaterThan(Date.now() + 89 * day);
  });

  it("a signed-in session past its time that keeps something again starts an anonymous row of its own (so it is forgotten in time), not the account's old one", async () => {
    const b = await signedIn('lapsed@example.com');
    const key = keyOf(b);
    await api.accounts.touchSession(key, Date.now() - 100 * 24 * 3600 * 1000, Date.now() - 1);
    expect((await b.json('/api/me')).body.account).toBeNull();
    expect((await b.api('/api/saved-searches', { method: 'POST', body: { name: 'After', bbox: [0, 0, 1, 1] } })).status).toBe(201);
    const row = await api.accounts.session(key);
    expect(row).toMatchObject({ accountId: null });
    expect(row!.expiresAt).toBeGreaterThan(Date.now());
  });

  it('an account keeps at most 50 signed-in devices: signing in again and again (a scripted passkey) evicts the least recently used, not the store', async () => {
    const key = new SoftPasskey();
    const first = new BrowserSession(api.url);
    const options = (await first.json('/api/auth/passkey/register/options', { method: 'POST', body: { name: 'Many devices' } })).body;
    expect((await first.json('/api/auth/passkey/register/verify', { method: 'POST', body: { response: key.register(options, api.url) } })).status).toBe(201);
    let last = first;
    for (let i = 0; i < 60; i++) {
      last = new BrowserSession(api.url);
      const login = (await last.json('/api/auth/passkey/login/options', { method: 'POST', body: {} })).body;
      expect((await last.json('/api/auth/passkey/login/verify', { method: 'POST', body: { response: key.assert(login, api.url) } })).status).toBe(200);
    }
    const sessions = (await last.json('/api/me/sessions')).body.sessions as { current: boolean }[];
    expect(sessions).toHaveLength(50);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    // The oldest device was signed out to make room.
    expect((await first.json('/api/me')).body.account).toBeNull();
  });

  it("a host cannot name the district or neighbourhood the map's bubbles are labelled with: the boundaries place the home, where it is now", async () => {
    const square = (w: number, s: number, district: string, neighbourhood: string) => ({
      type: 'Feature',
      properties: { district, neighbourhood },
      geometry: { type: 'Polygon', coordinates: [[[w, s], [w + 1, s], [w + 1, s + 1], [w, s + 1], [w, s]]] },
    });
    await api.engine.store.setMeta('boundaries', JSON.stringify({ type: 'FeatureCollection', features: [square(10, 10, 'West Side', 'Old Town'), square(11, 10, 'East Side', 'Riverbank')] }));
    const host = await signedIn('labels@example.com');
    const home = { title: 'Labelled flat', lat: 10.5, lon: 10.5, price: 900, type: 'entire' };
    // On the map at district zoom this text would label a bubble for every visitor.
    for (const field of ['district', 'neighbourhood'] as const) {
      const r = await host.json('/api/listings', { method: 'POST', body: { ...home, [field]: 'CHEAP HOMES AT evil.example' } });
      expect([r.status, r.body.error?.field]).toEqual([400, field]);
    }
    const created = await host.json('/api/listings', { method: 'POST', body: home });
    expect(created.body).toMatchObject({ district: 'West Side', neighbourhood: 'Old Town' });
    const id = created.body.id as string;
    const renamed = await host.json(`/api/listings/${id}`, { method: 'PATCH', body: { district: 'Call +1 555 0100' } });
    expect([renamed.status, renamed.body.error?.field]).toEqual([400, 'district']);
    // Moved across the line: its areas follow it.
    expect((await host.json(`/api/listings/${id}`, { method: 'PATCH', body: { lon: 11.5 } })).body).toMatchObject({ district: 'East Side', neighbourhood: 'Riverbank', lat: 10.5, lon: 11.5 });
    const bubbles = (await host.json('/api/search?bbox=9,9,13,12&zoom=8')).body.buckets.map((b: { label: string }) => b.label);
    expect(bubbles).toEqual(['East Side']);
  });

  it('one host account lists RATE_HOST_LISTINGS_PER_DAY new homes a day, then 429 with Retry-After: the public map is not theirs to flood', async () => {
    const spammer = await signedIn('map-spam@example.com');
    const home = (i: number) => ({ title: `Spam ${i}`, lat: 2.5, lon: 2.5, price: 1, type: 'entire' });
    // A refused body costs nothing.
    expect((await spammer.json('/api/listings', { method: 'POST', body: { ...home(0), price: -1 } })).status).toBe(400);
    for (let i = 1; i <= 3; i++) expect((await spammer.json('/api/listings', { method: 'POST', body: home(i) })).status).toBe(201);
    const over = await spammer.api('/api/listings', { method: 'POST', body: home(4) });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(3600);
    expect((await spammer.json('/api/me/listings')).body.listings).toHaveLength(3);
    // Editing them is not listing more; another host has a budget of their own.
    const [first] = (await spammer.json('/api/me/listings')).body.listings as { id: string }[];
    expect((await spammer.json(`/api/listings/${first!.id}`, { method: 'PATCH', body: { price: 2 } })).status).toBe(200);
    expect((await (await signedIn('not-spam@example.com')).json('/api/listings', { method: 'POST', body: home(5) })).status).toBe(201);
  });

  it('photos cost one account a bounded amount: one encoding at a time, RATE_PHOTOS_PER_DAY new ones a day (a repeat is free); others are not held up', async () => {
    const photo = (seed: number, side = 1200) =>
      sharp({ create: { width: side, height: side, channels: 3, background: { r: seed % 256, g: (seed * 7) % 256, b: 90 } } })
        .png({ compressionLevel: 1 })
        .toBuffer();
    const flooder = await signedIn('photo-flood@example.com');
    const neighbour = await signedIn('photo-neighbour@example.com');
    const listing = async (b: BrowserSession) => (await b.json('/api/listings', { method: 'POST', body: { title: 'Photo flat', lat: 1.5, lon: 1.5, price: 10, type: 'entire' } })).body.id as string;
    const [mine, theirs] = [await listing(flooder), await listing(neighbour)];
    const upload = (b: BrowserSession, id: string, bytes: Buffer) => b.json(`/api/listings/${id}/photos`, { method: 'POST', raw: bytes, headers: { 'content-type': 'image/png' } });

    // Two large photos at once from one account: the second waits for nobody's encoder, it is told to send it after.
    const [big1, big2] = [await photo(1, 7000), await photo(2, 7000)];
    const both = await Promise.all([upload(flooder, mine, big1), upload(flooder, mine, big2)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 429]);
    const refused = both.find((r) => r.status === 429)!;
    expect(refused.body.error.code).toBe('rate_limited');

    // The day's budget (3 here): the one above, two more, then 429 with Retry-After; a photo kept already costs nothing.
    const first = both.find((r) => r.status === 201)!.body.url as string;
    for (const seed of [3, 4]) expect((await upload(flooder, mine, await photo(seed))).status).toBe(201);
    const over = await flooder.api(`/api/listings/${mine}/photos`, { method: 'POST', raw: await photo(5), headers: { 'content-type': 'image/png' } });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(3600);
    const again = await upload(flooder, mine, both[0]!.status === 201 ? big1 : big2);
    expect([again.status, again.body.url]).toEqual([201, first]);
    // Another host's budget is their own.
    expect((await upload(neighbour, theirs, await photo(6))).status).toBe(201);
  });

  describe('in a conversation', () => {
    let host: BrowserSession;
    let renter: BrowserSession;
    let first: string;
    let second: string;
    const flat = { title: 'Probe flat', lat: 52.37, lon: 4.89, price: 1900, currency: 'EUR', pricePer: 'month', type: 'entire' };

    beforeAll(async () => {
      host = await signedIn('probe-host@example.com');
      renter = await signedIn('probe-renter@example.com');
      const start = async () => {
        const listingId = (await host.json('/api/listings', { method: 'POST', body: flat })).body.id;
        return (await renter.json('/api/conversations', { method: 'POST', body: { listingId } })).body.conversation.id as string;
      };
      [first, second] = [await start(), await start()];
    });

    it('one renter starts RATE_CONVERSATIONS_PER_DAY new conversations a day (opening one they have is free): no account spams every host\'s inbox', async () => {
      const spammer = await signedIn('inbox-spam@example.com');
      await spammer.api('/api/me', { method: 'PATCH', body: { name: 'Visit cheap-homes.example' } });
      const [oneHost, otherHost] = [await signedIn('inbox-host-1@example.com'), await signedIn('inbox-host-2@example.com')];
      const homes: string[] = [];
      for (const [i, h] of [oneHost, oneHost, otherHost, otherHost].entries()) homes.push((await h.json('/api/listings', { method: 'POST', body: { ...flat, title: `Inbox ${i}` } })).body.id);
      const started: string[] = [];
      for (const listingId of homes.slice(0, 3)) {
        const r = await spammer.json('/api/conversations', { method: 'POST', body: { listingId } });
        expect(r.status).toBe(201);
        started.push(r.body.conversation.id);
      }
      const over = await spammer.api('/api/conversations', { method: 'POST', body: { listingId: homes[3] } });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(3600);
      expect((await otherHost.json('/api/conversations')).body.conversations).toHaveLength(1);
      // Contacting a host already talked to answers the conversation, as ever.
      const again = await spammer.json('/api/conversations', { method: 'POST', body: { listingId: homes[0] } });
      expect([again.status, again.body.conversation.id]).toEqual([200, started[0]]);
    });

    it('a reader cannot mark as read what has not been written yet: the sender never sees "read" on a message nobody read', async () => {
      const hello = (await renter.json(`/api/conversations/${first}/messages`, { method: 'POST', body: { clientId: 'r-1', text: 'Is it free in May?' } })).body.message;
      const socket = await renter.socket();
      socket.send({ type: 'resume', after: 0 });
      // The host claims to have read everything there will ever be, by HTTP and over the socket.
      expect((await host.api(`/api/conversations/${first}/read`, { method: 'POST', body: { upTo: Number.MAX_SAFE_INTEGER } })).status).toBe(204);
      const receipt = await socket.next((f) => f.type === 'read' && f.conversationId === first, 5_000);
      expect(receipt.upTo).toBe(hello.id);
      const hostSocket = await host.socket();
      hostSocket.send({ type: 'delivered', conversationId: first, upTo: Number.MAX_SAFE_INTEGER });
      hostSocket.send({ type: 'read', conversationId: first, upTo: Number.MAX_SAFE_INTEGER });
      // Both frames answered (their receipts reach the renter) before anything more is written.
      await socket.next((f) => f.type === 'delivered' && f.conversationId === first, 5_000);
      await until('both read receipts', () => socket.messages.filter((f) => f.type === 'read').length === 2);
      expect(socket.messages.filter((f) => f.type === 'read' || f.type === 'delivered').map((f) => f.upTo)).toEqual([hello.id, hello.id, hello.id]);
      const later = (await renter.json(`/api/conversations/${first}/messages`, { method: 'POST', body: { clientId: 'r-2', text: 'And June?' } })).body.message;
      const page = (await renter.json(`/api/conversations/${first}/messages`)).body;
      expect(page.readUpTo.them).toBe(hello.id);
      expect(later.id).toBeGreaterThan(hello.id);
      // The host's own unread count still counts the new message.
      const listed = (await host.json('/api/conversations')).body.conversations.find((c: { id: string }) => c.id === first);
      expect(listed.unread).toBe(1);
      socket.close();
      hostSocket.close();
    });

    it('a clientId used in another conversation is a 409 naming clientId, never that message as if this one were sent', async () => {
      const sent = await renter.json(`/api/conversations/${first}/messages`, { method: 'POST', body: { clientId: 'same-id', text: 'About the first flat' } });
      expect(sent.status).toBe(201);
      const r = await renter.json(`/api/conversations/${second}/messages`, { method: 'POST', body: { clientId: 'same-id', text: 'About the second flat' } });
      expect(r.status).toBe(409);
      expect(r.body.error).toMatchObject({ code: 'conflict', field: 'clientId' });
      const socket = await renter.socket();
      socket.send({ type: 'send', conversationId: second, clientId: 'same-id', text: 'About the second flat' });
      const refused = await socket.next((f) => f.clientId === 'same-id', 5_000);
      expect([refused.type, refused.code]).toEqual(['error', 'conflict']);
      socket.close();
      expect((await renter.json(`/api/conversations/${second}/messages`)).body.messages).toEqual([]);
      // A true retry still answers 200 with the one message.
      const retry = await renter.json(`/api/conversations/${first}/messages`, { method: 'POST', body: { clientId: 'same-id', text: 'About the first flat' } });
      expect([retry.status, retry.body.message.id]).toEqual([200, sent.body.message.id]);
    });
  });
});
