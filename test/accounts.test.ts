/**
 * Accounts through a real server and a real SMTP server of the test's own: a renter saves
 * things anonymously, asks for a sign-in link, the mail arrives, the link is spent once,
 * everything the anonymous session had is the account's, a second device signs in and
 * sees it, devices are listed and signed out (their sockets closed), and every write the
 * cookie authenticates refuses another site's Origin.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './helpers/browser-session';
import { MailServer, tokenIn } from './helpers/mail-server';
import { startApi, tempDir } from './helpers/roost';
import { freePort } from './helpers/tcp-proxy';
import type { RoostServer } from '../server/app-server';

const TOKEN = 'accounts-test-admin-token-0123456789abcdef';
const MIDTOWN = [-74.0, 40.74, -73.97, 40.77];
const home = { title: 'Sign-in home', lat: 40.755, lon: -73.985, price: 2800, type: 'entire', district: 'Manhattan', neighbourhood: 'Midtown' };

describe('accounts: sign-in by mailed link, sessions as rows, every device', () => {
  let mail: MailServer;
  let api: RoostServer & { url: string };
  const write = (method: string, path: string, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  /** A browser that asks for a link for `email` and spends it: signed in. */
  async function signIn(b: BrowserSession, email: string): Promise<void> {
    const before = mail.to(email).length;
    expect((await b.api('/api/auth/email', { method: 'POST', body: { email } })).status).toBe(202);
    const token = tokenIn(await mail.nth(email, before + 1));
    const verified = await b.json('/api/auth/email/verify', { method: 'POST', body: { token } });
    expect(verified.status).toBe(200);
  }

  beforeAll(async () => {
    mail = await MailServer.start();
    const port = await freePort();
    api = await startApi(tempDir('accounts'), {
      PORT: String(port),
      ADMIN_TOKEN: TOKEN,
      SMTP_URL: mail.url,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      MAX_SAVED_SEARCHES: '2',
    });
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await mail?.stop();
  });

  it('keeps what the anonymous session had, rotates the session id, spends the link once, and a second device sees it all', async () => {
    const laptop = new BrowserSession(api.url);
    const saved = await laptop.json('/api/saved-searches', { method: 'POST', body: { name: 'Midtown', bbox: MIDTOWN } });
    expect(saved.status).toBe(201);
    const listing = (await (await write('POST', '/api/listings', { ...home, id: 'acc-home' })).json()) as { id: string };
    expect((await laptop.api(`/api/favourites/${listing.id}`, { method: 'PUT' })).status).toBe(204);
    const anonymousCookie = laptop.cookie;
    expect((await laptop.json('/api/me')).body).toEqual({ account: null });

    expect((await laptop.api('/api/auth/email', { method: 'POST', body: { email: 'Ann@Example.com ' } })).status).toBe(202);
    const m = await mail.nth('ann@example.com');
    expect(m.subject).toMatch(/sign in/i);
    expect(m.text).toContain(`${api.url}/auth/email?token=`);
    expect(m.html).toContain('/auth/email?token=');
    const token = tokenIn(m);
    const verified = await laptop.json('/api/auth/email/verify', { method: 'POST', body: { token } });
    expect(verified.status).toBe(200);
    expect(verified.body.account).toMatchObject({ email: 'ann@example.com', name: 'Ann', host: false });
    expect(laptop.cookie).not.toBe(anonymousCookie);
    // The old id signs no one in.
    const stale = new BrowserSession(api.url);
    stale.cookie = anonymousCookie;
    expect((await stale.json('/api/me')).body.account).toBeNull();
    expect((await stale.json('/api/saved-searches')).body.savedSearches).toEqual([]);
    // Spent: the same link again, on any browser, signs no one in.
    const again = await new BrowserSession(api.url).json('/api/auth/email/verify', { method: 'POST', body: { token } });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 'bad_request', field: 'token' });

    const me = (await laptop.json('/api/me')).body.account;
    expect((await laptop.json('/api/saved-searches')).body.savedSearches.map((s: { name: string }) => s.name)).toEqual(['Midtown']);
    expect((await laptop.json('/api/favourites')).body.favourites.map((f: { listing: { id: string } }) => f.listing.id)).toEqual(['acc-home']);

    const phone = new BrowserSession(api.url);
    await signIn(phone, 'ann@example.com');
    expect((await phone.json('/api/me')).body.account.id).toBe(me.id);
    expect((await phone.json('/api/saved-searches')).body.savedSearches.map((s: { name: string }) => s.name)).toEqual(['Midtown']);
    expect((await phone.json('/api/favourites')).body.favourites.map((f: { priceWhenSaved: number }) => f.priceWhenSaved)).toEqual([2800]);

    // An alert for the account reaches both devices' inboxes and sockets.
    const [laptopSocket, phoneSocket] = [await laptop.socket(), await phone.socket()];
    await write('POST', '/api/listings', { ...home, id: 'acc-new', lat: 40.75 });
    const a = await laptopSocket.next((f) => f.type === 'alert', 5_000);
    const b = await phoneSocket.next((f) => f.type === 'alert', 5_000);
    expect([a.id, (a.listing as { id: string }).id]).toEqual([b.id, 'acc-new']);
    expect((await phone.json('/api/alerts?after=0')).body.alerts.map((x: { listing: { id: string } }) => x.listing.id)).toContain('acc-new');

    // The devices, and signing the phone out from the laptop: its socket closes, its cookie is anonymous again.
    const sessions = (await laptop.json('/api/me/sessions')).body.sessions as { id: string; current: boolean }[];
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;
    expect((await laptop.api(`/api/me/sessions/${other.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await phoneSocket.closed()).toBe(4001);
    expect((await phone.json('/api/me')).body.account).toBeNull();
    expect((await phone.json('/api/saved-searches')).body.savedSearches).toEqual([]);
    // A socket the phone opens now hears none of the account's alerts.
    const after = await phone.socket();
    after.send({ type: 'resume', after: 0 });
    await write('POST', '/api/listings', { ...home, id: 'acc-newer', lat: 40.751 });
    await laptopSocket.next((f) => f.type === 'alert' && (f.listing as { id: string }).id === 'acc-newer', 5_000);
    expect(after.messages.filter((f) => f.type === 'alert')).toEqual([]);
    after.close();

    // Sign-out on the laptop: 204, its socket closed, the cookie cleared.
    expect((await laptop.api('/api/auth/sign-out', { method: 'POST' })).status).toBe(204);
    expect(await laptopSocket.closed()).toBe(4001);
    expect((await laptop.json('/api/me')).body.account).toBeNull();
  });

  it('says nothing of which addresses have accounts', async () => {
    const b = new BrowserSession(api.url);
    const known = await b.json('/api/auth/email', { method: 'POST', body: { email: 'ann@example.com' } });
    const unknown = await b.json('/api/auth/email', { method: 'POST', body: { email: 'nobody-here@example.com' } });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(known.body).toEqual(unknown.body);
  });

  it('an expired or unknown token is refused, naming token; a bad address names email', async () => {
    const b = new BrowserSession(api.url);
    const expired = 'expired-token-for-test';
    await api.accounts.putEmailToken(crypto.createHash('sha256').update(expired).digest('hex'), 'ann@example.com', Date.now() - 1, null);
    for (const token of [expired, 'never-issued', '']) {
      const r = await b.json('/api/auth/email/verify', { method: 'POST', body: { token } });
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe('token');
    }
    for (const email of ['not-an-address', 'a@b', 'x'.repeat(250) + '@example.com', 'a@example.com\r\nBcc: all@example.com']) {
      const r = await b.json('/api/auth/email', { method: 'POST', body: { email } });
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe('email');
    }
    expect((await b.json('/api/me')).body.account).toBeNull();
  });

  it('every write the cookie authenticates refuses another site, or no Origin at all (403)', async () => {
    const own = new BrowserSession(api.url);
    await signIn(own, 'origin-test@example.com');
    const forged = new BrowserSession(api.url, 'https://evil.example');
    forged.cookie = own.cookie;
    const listing = (await (await write('POST', '/api/listings', { ...home, id: 'origin-home' })).json()) as { id: string };
    const attempts: [string, string, unknown?][] = [
      ['POST', '/api/saved-searches', { name: 'x', bbox: MIDTOWN }],
      ['PUT', `/api/favourites/${listing.id}`],
      ['DELETE', `/api/favourites/${listing.id}`],
      ['PATCH', '/api/me', { name: 'Evil' }],
      ['POST', '/api/auth/sign-out'],
      ['DELETE', '/api/me/sessions'],
      ['POST', '/api/listings', { ...home }],
      ['POST', '/api/auth/email/verify', { token: 'x' }],
    ];
    for (const [method, path, body] of attempts) {
      const r = await forged.json(path, { method, ...(body !== undefined ? { body } : {}) });
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error).toMatchObject({ code: 'forbidden', field: 'origin' });
      const bare = await fetch(`${api.url}${path}`, { method, headers: { cookie: own.cookie, 'content-type': 'application/json' }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      expect(bare.status, `${method} ${path} without Origin`).toBe(403);
    }
    // Nothing happened: still signed in, same name.
    expect((await own.json('/api/me')).body.account).toMatchObject({ name: 'Origin' });
  });

  it('a new account is named by the first word of its address, never the address itself', async () => {
    for (const [email, name] of [['zoe.martin+rent@example.com', 'Zoe'], ['李雷@example.cn', '李雷'], ['12345@example.com', 'Roost member']] as const) {
      const b = new BrowserSession(api.url);
      await signIn(b, email);
      const account = (await b.json('/api/me')).body.account;
      expect(account.name).toBe(name);
      expect(account.name).not.toContain('@');
    }
  });

  it('a name is plain text: renamed, and control characters refused naming name', async () => {
    const b = new BrowserSession(api.url);
    await signIn(b, 'names@example.com');
    expect((await b.json('/api/me', { method: 'PATCH', body: { name: '  Zoë 张  ' } })).body.account.name).toBe('Zoë 张');
    for (const name of ['', 'a\u202Eb', 'nul\u0000', 'x'.repeat(81)]) {
      const r = await b.json('/api/me', { method: 'PATCH', body: { name } });
      expect(r.status).toBe(400);
      expect(r.body.error.field).toBe('name');
    }
    expect((await new BrowserSession(api.url).json('/api/me', { method: 'PATCH', body: { name: 'x' } })).status).toBe(401);
  });

  it('favourites do not count as saved searches (the cap is 2 here)', async () => {
    const b = new BrowserSession(api.url);
    for (let i = 0; i < 2; i++) expect((await b.api('/api/saved-searches', { method: 'POST', body: { name: `S${i}`, bbox: MIDTOWN } })).status).toBe(201);
    expect((await b.api('/api/saved-searches', { method: 'POST', body: { name: 'S3', bbox: MIDTOWN } })).status).toBe(409);
    await write('POST', '/api/listings', { ...home, id: 'cap-home' });
    expect((await b.api('/api/favourites/cap-home', { method: 'PUT' })).status).toBe(204);
    expect((await b.api('/api/favourites/cap-home', { method: 'PUT' })).status).toBe(204);
    expect((await b.json('/api/favourites')).body.favourites).toHaveLength(1);
  });
});

describe('accounts: sign-in mails are rate limited per client and per address', () => {
  let mail: MailServer;
  let api: RoostServer & { url: string };
  beforeAll(async () => {
    mail = await MailServer.start();
    const port = await freePort();
    api = await startApi(tempDir('accounts-limits'), { PORT: String(port), SMTP_URL: mail.url, PUBLIC_URL: `http://127.0.0.1:${port}`, RATE_SIGNIN_PER_HOUR: '3' });
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await mail?.stop();
  });

  it('one address: one mail an hour (a third of 3); one client: 3 an hour; then 429 with Retry-After', async () => {
    const b = new BrowserSession(api.url);
    expect((await b.api('/api/auth/email', { method: 'POST', body: { email: 'one@example.com' } })).status).toBe(202);
    const again = await b.api('/api/auth/email', { method: 'POST', body: { email: 'one@example.com' } });
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await b.api('/api/auth/email', { method: 'POST', body: { email: 'two@example.com' } })).status).toBe(202);
    const third = await b.api('/api/auth/email', { method: 'POST', body: { email: 'three@example.com' } });
    expect(third.status).toBe(429); // the client's third, counting the refused one
    await mail.nth('two@example.com');
    expect(mail.to('one@example.com')).toHaveLength(1);
    expect(mail.to('three@example.com')).toHaveLength(0);
  });
});
