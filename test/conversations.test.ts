/**
 * Conversations on one real server (HTTP and the socket), with an SMTP server of the
 * test's own for sign-in: a renter starts one from a listing, messages are committed
 * before `sent`, reach every socket of both, a retried clientId never doubles, read and
 * delivered receipts travel, `resume` replays, and only the two participants see it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './helpers/browser-session';
import type { LiveClient } from './helpers/live-client';
import { MailServer, tokenIn } from './helpers/mail-server';
import { startApi, tempDir } from './helpers/roost';
import { freePort } from './helpers/tcp-proxy';
import type { RoostServer } from '../server/app-server';

const TOKEN = 'conversations-test-admin-token-0123456789ab';
const flat = { title: 'Canal flat', lat: 52.37, lon: 4.89, price: 1900, currency: 'EUR', pricePer: 'month', type: 'entire', bedrooms: 1 };

async function signedIn(api: { url: string }, mail: MailServer, email: string): Promise<BrowserSession> {
  const b = new BrowserSession(api.url);
  const before = mail.to(email).length;
  await b.api('/api/auth/email', { method: 'POST', body: { email } });
  const token = tokenIn(await mail.nth(email, before + 1));
  expect((await b.api('/api/auth/email/verify', { method: 'POST', body: { token } })).status).toBe(200);
  return b;
}

const frames = (c: LiveClient, type: string) => c.messages.filter((m) => m.type === type);

describe('conversations on one node', () => {
  let mail: MailServer;
  let api: RoostServer & { url: string };
  let host: BrowserSession;
  let renter: BrowserSession;
  let listingId: string;
  let conversationId: string;

  beforeAll(async () => {
    mail = await MailServer.start();
    const port = await freePort();
    api = await startApi(tempDir('conversations'), { PORT: String(port), ADMIN_TOKEN: TOKEN, SMTP_URL: mail.url, PUBLIC_URL: `http://127.0.0.1:${port}` });
    host = await signedIn(api, mail, 'host@example.com');
    renter = await signedIn(api, mail, 'renter@example.com');
    await host.api('/api/me', { method: 'PATCH', body: { name: 'Hana' } });
    listingId = (await host.json('/api/listings', { method: 'POST', body: flat })).body.id;
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await mail?.stop();
  });

  it('starts once per renter and listing; not with oneself, nor about a home nobody hosts; 401 signed out', async () => {
    const first = await renter.json('/api/conversations', { method: 'POST', body: { listingId } });
    expect(first.status).toBe(201);
    expect(first.body.conversation).toMatchObject({ with: { name: 'Hana' }, asHost: false, unread: 0, lastMessage: null, listing: { id: listingId } });
    conversationId = first.body.conversation.id;
    const again = await renter.json('/api/conversations', { method: 'POST', body: { listingId } });
    expect([again.status, again.body.conversation.id]).toEqual([200, conversationId]);
    expect((await host.json('/api/conversations', { method: 'POST', body: { listingId } })).status).toBe(409);
    const imported = await fetch(`${api.url}/api/listings`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ ...flat, id: 'no-host' }) });
    expect(imported.status).toBe(201);
    expect((await renter.json('/api/conversations', { method: 'POST', body: { listingId: 'no-host' } })).status).toBe(422);
    expect((await new BrowserSession(api.url).json('/api/conversations', { method: 'POST', body: { listingId } })).status).toBe(401);
    expect((await new BrowserSession(api.url).json('/api/conversations')).status).toBe(401);
    expect((await host.json('/api/conversations')).body.conversations.map((c: { id: string; asHost: boolean }) => [c.id, c.asHost])).toEqual([[conversationId, true]]);
  });

  it('a message is committed before sent, reaches every socket of both, once; a retried clientId is the same message', async () => {
    const [r1, r2, h] = [await renter.socket(), await renter.socket(), await host.socket()];
    r1.send({ type: 'send', conversationId, clientId: 'r-1', text: 'Hello! Is it <b>free</b> in May?' });
    const sent = await r1.next((f) => f.type === 'sent');
    const message = sent.message as { id: number; from: string; text: string; clientId: string };
    expect(message).toMatchObject({ text: 'Hello! Is it <b>free</b> in May?', clientId: 'r-1' });
    // Committed: the history has it the moment `sent` arrives.
    expect((await host.json(`/api/conversations/${conversationId}/messages`)).body.messages.map((m: { id: number }) => m.id)).toEqual([message.id]);
    for (const c of [h, r1, r2]) expect((await c.next((f) => f.type === 'message' && (f.message as { id: number }).id === message.id)).message).toEqual(message);
    // The same clientId again, over the socket and over HTTP: the same message, nothing sent twice.
    r2.send({ type: 'send', conversationId, clientId: 'r-1', text: 'Hello! Is it <b>free</b> in May?' });
    expect((await r2.next((f) => f.type === 'sent')).message).toEqual(message);
    const http = await renter.json(`/api/conversations/${conversationId}/messages`, { method: 'POST', body: { clientId: 'r-1', text: 'again' } });
    expect([http.status, http.body.message]).toEqual([200, message]);
    const reply = await host.json(`/api/conversations/${conversationId}/messages`, { method: 'POST', body: { clientId: 'h-1', text: 'Yes, from the 3rd.' } });
    expect(reply.status).toBe(201);
    await r1.next((f) => f.type === 'message' && (f.message as { id: number }).id === reply.body.message.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(frames(h, 'message').filter((f) => (f.message as { id: number }).id === message.id)).toHaveLength(1);
    // The host's device had the renter's message: the renter hears it was delivered.
    expect((await r1.next((f) => f.type === 'delivered')).upTo).toBeGreaterThanOrEqual(message.id);
    // The host reads it: both of the renter's sockets hear of it; the history says so.
    h.send({ type: 'read', conversationId, upTo: message.id });
    expect(await r2.next((f) => f.type === 'read')).toMatchObject({ conversationId, upTo: message.id });
    const page = await renter.json(`/api/conversations/${conversationId}/messages`);
    expect(page.body.readUpTo.them).toBe(message.id);
    expect(page.body.messages.map((m: { text: string }) => m.text)).toEqual(['Hello! Is it <b>free</b> in May?', 'Yes, from the 3rd.']);
    for (const c of [r1, r2, h]) c.close();
  });

  it('a socket that was away resumes after the last message it had; unread counts until read', async () => {
    const before = (await renter.json(`/api/conversations/${conversationId}/messages`)).body.messages.at(-1).id as number;
    expect((await renter.api(`/api/conversations/${conversationId}/read`, { method: 'POST', body: { upTo: before } })).status).toBe(204);
    expect((await renter.json('/api/conversations')).body.conversations[0].unread).toBe(0);
    for (let i = 0; i < 3; i++) await host.api(`/api/conversations/${conversationId}/messages`, { method: 'POST', body: { clientId: `away-${i}`, text: `While you were away ${i}` } });
    expect((await renter.json('/api/conversations')).body.conversations[0].unread).toBe(3);
    const back = await renter.socket();
    back.send({ type: 'resume', after: 0, messagesAfter: before });
    for (let i = 0; i < 3; i++) await back.next((f) => f.type === 'message' && (f.message as { text: string }).text === `While you were away ${i}`);
    expect(frames(back, 'message').map((f) => (f.message as { id: number }).id)).toEqual([...frames(back, 'message').map((f) => (f.message as { id: number }).id)].sort((a, b) => a - b));
    const last = frames(back, 'message').at(-1)!.message as { id: number };
    expect((await renter.api(`/api/conversations/${conversationId}/read`, { method: 'POST', body: { upTo: last.id } })).status).toBe(204);
    expect((await renter.json('/api/conversations')).body.conversations[0].unread).toBe(0);
    back.close();
  });

  it('only the two participants: 404 to anyone else, over HTTP and the socket', async () => {
    const stranger = await signedIn(api, mail, 'stranger@example.com');
    for (const path of [`/api/conversations/${conversationId}`, `/api/conversations/${conversationId}/messages`]) expect((await stranger.json(path)).status).toBe(404);
    expect((await stranger.json(`/api/conversations/${conversationId}/messages`, { method: 'POST', body: { clientId: 's-1', text: 'hi' } })).status).toBe(404);
    const s = await stranger.socket();
    s.send({ type: 'send', conversationId, clientId: 's-2', text: 'hi' });
    expect(await s.next((f) => f.type === 'error')).toMatchObject({ code: 'not_found', clientId: 's-2' });
    s.send({ type: 'resume', after: 0, messagesAfter: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(frames(s, 'message')).toEqual([]);
    s.close();
    const anon = await new BrowserSession(api.url).socket();
    anon.send({ type: 'send', conversationId, clientId: 'a-1', text: 'hi' });
    expect(await anon.next((f) => f.type === 'error')).toMatchObject({ code: 'unauthorized' });
    anon.close();
  });

  it('text is bounded and plain; blocking stops messages; a report is taken', async () => {
    for (const text of ['', '   ', 'x'.repeat(4001), 'nul\u0000', 'rtl \u202Eevil']) {
      const r = await renter.json(`/api/conversations/${conversationId}/messages`, { method: 'POST', body: { clientId: `bad-${text.length}`, text } });
      expect([r.status, r.body.error.field]).toEqual([400, 'text']);
    }
    expect((await renter.json(`/api/conversations/${conversationId}/messages`, { method: 'POST', body: { clientId: 'long', text: '字'.repeat(4000) } })).status).toBe(201);
    expect((await host.api(`/api/conversations/${conversationId}/block`, { method: 'POST' })).status).toBe(204);
    const refused = await renter.json(`/api/conversations/${conversationId}/messages`, { method: 'POST', body: { clientId: 'after-block', text: 'hello?' } });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    expect((await host.json('/api/conversations')).body.conversations[0].blocked).toBe(true);
    expect((await host.api(`/api/conversations/${conversationId}/unblock`, { method: 'POST' })).status).toBe(204);
    expect((await renter.json(`/api/conversations/${conversationId}/messages`, { method: 'POST', body: { clientId: 'after-unblock', text: 'hello?' } })).status).toBe(201);
    expect((await renter.api(`/api/conversations/${conversationId}/report`, { method: 'POST', body: { reason: 'asked me to pay outside Roost' } })).status).toBe(204);
  });

  it('the listing says how soon its host usually replies, once there are replies to go by', async () => {
    const second = await signedIn(api, mail, 'second@example.com');
    const c2 = (await second.json('/api/conversations', { method: 'POST', body: { listingId } })).body.conversation.id;
    await second.api(`/api/conversations/${c2}/messages`, { method: 'POST', body: { clientId: 'q', text: 'Pets?' } });
    await host.api(`/api/conversations/${c2}/messages`, { method: 'POST', body: { clientId: 'a', text: 'A cat is fine.' } });
    const shown = (await renter.json(`/api/listings/${listingId}`)).body.host;
    expect(shown.name).toBe('Hana');
    expect(shown.usuallyRepliesInMs).toBeGreaterThanOrEqual(0);
    expect(shown.usuallyRepliesInMs).toBeLessThan(60_000);
  });
});

describe('conversations: per-account send limit', () => {
  it('past RATE_MESSAGES_PER_MIN an account is told to wait (429), others are not', async () => {
    const mail = await MailServer.start();
    const port = await freePort();
    const api = await startApi(tempDir('conversations-limit'), { PORT: String(port), SMTP_URL: mail.url, PUBLIC_URL: `http://127.0.0.1:${port}`, RATE_MESSAGES_PER_MIN: '3' });
    try {
      const host = await signedIn(api, mail, 'h@example.com');
      const chatty = await signedIn(api, mail, 'c@example.com');
      const listingId = (await host.json('/api/listings', { method: 'POST', body: flat })).body.id;
      const id = (await chatty.json('/api/conversations', { method: 'POST', body: { listingId } })).body.conversation.id;
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await chatty.api(`/api/conversations/${id}/messages`, { method: 'POST', body: { clientId: `m${i}`, text: 'hi' } })).status);
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      expect((await host.api(`/api/conversations/${id}/messages`, { method: 'POST', body: { clientId: 'h', text: 'hello' } })).status).toBe(201);
    } finally {
      await api.close();
      await mail.stop();
    }
  });
});
