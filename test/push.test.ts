/**
 * Web Push's server side (issue 29) against a push service of the test's own (HTTPS,
 * its own certificate) that verifies every VAPID token and decrypts every payload: what is
 * delivered, what a 404/410 drops, what is retried and what is refused; the routes on a
 * real server (owner, Origin, PUSH_HOSTS, the bound, sign-in moving subscriptions); and a
 * message to a host who is away pushed once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoost, type RoostServer } from '../server/app-server';
import { loadConfig } from '../server/config';
import { PushHosts } from '../server/push/push-hosts';
import { PushUnavailable, topicOf, vapidSubject, WebPushSender } from '../server/push/push-sender';
import { loadVapidKeys } from '../server/push/push-module';
import { MAX_PUSH_SUBSCRIPTIONS } from '../server/push/push-store';
import { SqlitePushStore } from '../server/push/sqlite-push-store';
import { BrowserSession } from './helpers/browser-session';
import { MailServer, tokenIn } from './helpers/mail-server';
import { PushService } from './helpers/push-service';
import { postgresBin, PostgresServer } from './helpers/postgres-server';
import { RedisServer } from './helpers/redis-server';
import { tempDir, UNLIMITED } from './helpers/roost';
import { freePort } from './helpers/tcp-proxy';
import { until } from './helpers/until';

const payload = (n: number) => ({ title: `New home ${n}`, body: 'Canal flat · €1,900 → €1,750', url: `/listings/l-${n}`, tag: `l-${n}:price_drop:${n}` });

describe('push sender', () => {
  let service: PushService;
  let store: SqlitePushStore;
  let sender: WebPushSender;
  let publicKey: string;

  beforeAll(async () => {
    service = await PushService.start();
    store = new SqlitePushStore(tempDir('push-sender'));
    const keys = await loadVapidKeys(store);
    publicKey = keys.publicKey;
    service.expectKey = publicKey;
    sender = new WebPushSender({ store, keys, subject: 'mailto:roost@example.com', hosts: PushHosts.parse(service.hostEntry), ca: service.ca, timeoutMs: 1_500 });
  });
  afterAll(async () => {
    sender?.close();
    await service?.stop();
    await store?.close();
  });

  it('keeps one set of VAPID keys: a second candidate does not replace them', async () => {
    expect(await loadVapidKeys(store)).toEqual(await loadVapidKeys(store));
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
  });

  it('delivers to every endpoint of the owner: VAPID signed for the origin, payload decrypted, TTL, urgency and topic set', async () => {
    const [a, b] = [service.subscribe(), service.subscribe()];
    await store.subscribe('owner-1', a.json, 'en', 1);
    await store.subscribe('owner-1', b.json, 'zh', 2);
    await store.subscribe('owner-2', service.subscribe().json, 'en', 3);
    expect(await sender.sendToOwner('owner-1', payload(1))).toEqual({ delivered: 2 });
    expect(service.refused).toEqual([]);
    for (const s of [a, b]) {
      expect(s.received).toHaveLength(1);
      const got = s.received[0]!;
      expect(got.payload).toEqual(payload(1));
      expect(got.vapid).toMatchObject({ aud: service.origin, sub: 'mailto:roost@example.com', k: publicKey });
      expect(got.vapid.exp * 1000 - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
      expect(got.ttl).toBe(24 * 3600);
      expect(got.urgency).toBe('normal');
      expect(got.topic).toBe(topicOf(payload(1).tag));
      expect(got.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    }
    expect(await sender.sendToOwner('nobody', payload(1))).toEqual({ delivered: 0 });
  });

  it('a 410 or 404 forgets that subscription; the others still deliver', async () => {
    const [ok, gone, missing] = [service.subscribe(), service.subscribe({ status: 410 }), service.subscribe({ status: 404 })];
    for (const [i, s] of [ok, gone, missing].entries()) await store.subscribe('owner-3', s.json, 'en', i);
    expect(await sender.sendToOwner('owner-3', payload(2))).toEqual({ delivered: 1 });
    expect((await store.subscriptionsOf('owner-3')).map((s) => s.endpoint)).toEqual([ok.json.endpoint]);
    expect([gone.received.length, missing.received.length]).toEqual([1, 1]);
  });

  it('a 5xx, a 429, a dropped connection or no answer in time rejects, keeps the subscription, and the retry skips endpoints that took it', async () => {
    const ok = service.subscribe();
    const flaky = service.subscribe({ status: 503 });
    await store.subscribe('owner-4', ok.json, 'en', 1);
    await store.subscribe('owner-4', flaky.json, 'en', 2);
    await expect(sender.sendToOwner('owner-4', payload(3))).rejects.toBeInstanceOf(PushUnavailable);
    expect(await store.subscriptionsOf('owner-4')).toHaveLength(2);
    for (const behaviour of [{ status: 429 }, { drop: true as const }, { hang: true as const }]) {
      service.behave(flaky, behaviour);
      const started = Date.now();
      await expect(sender.sendToOwner('owner-4', payload(3))).rejects.toBeInstanceOf(PushUnavailable);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    service.behave(flaky, { status: 201 });
    expect(await sender.sendToOwner('owner-4', payload(3))).toEqual({ delivered: 2 });
    // The endpoint that took it the first time was not sent it again by the retries.
    expect(ok.received).toHaveLength(1);
    expect(flaky.received.length).toBe(5);
  });

  it('never follows a redirect, and never calls a host outside PUSH_HOSTS (that subscription is forgotten)', async () => {
    const target = service.subscribe();
    const moved = service.subscribe({ redirect: target.json.endpoint });
    await store.subscribe('owner-5', moved.json, 'en', 1);
    expect(await sender.sendToOwner('owner-5', payload(4))).toEqual({ delivered: 0 });
    expect(target.received).toHaveLength(0);
    // Same service under another name: not in PUSH_HOSTS.
    const elsewhere = service.subscribe({ status: 201 }, '127.0.0.1');
    await store.subscribe('owner-6', elsewhere.json, 'en', 1);
    const before = service.requests.length;
    expect(await sender.sendToOwner('owner-6', payload(5))).toEqual({ delivered: 0 });
    expect(service.requests.length).toBe(before);
    expect(await store.subscriptionsOf('owner-6')).toEqual([]);
  });

  it("PUSH_HOSTS: the browsers' push services by default, https only; a bad entry stops the start naming it", () => {
    const hosts = loadConfig({}).PUSH_HOSTS;
    for (const ok of ['https://fcm.googleapis.com/fcm/send/abc', 'https://updates.push.services.mozilla.com/wpush/v2/abc', 'https://wns2-by3p.notify.windows.com/w/?token=abc', 'https://web.push.apple.com/abc', 'https://api.push.apple.com/3/device/abc']) {
      expect([ok, hosts.allows(ok)]).toEqual([ok, true]);
    }
    for (const no of ['http://fcm.googleapis.com/fcm/send/abc', 'https://fcm.googleapis.com:8443/x', 'https://notify.windows.com.evil.example/x', 'https://user:pw@fcm.googleapis.com/x', 'https://169.254.169.254/latest', 'not a url']) {
      expect([no, hosts.allows(no)]).toEqual([no, false]);
    }
    expect(() => loadConfig({ PUSH_HOSTS: 'fcm.googleapis.com,not a host!' })).toThrow(/PUSH_HOSTS.*not a host!/);
    expect(loadConfig({ PUSH_HOSTS: 'push.example:8443' }).PUSH_HOSTS.allows('https://push.example:8443/p')).toBe(true);
  });

  it('a subject from PUBLIC_URL when it is a public https origin, else mailto:', () => {
    expect(vapidSubject('https://roost.example', undefined)).toBe('https://roost.example');
    expect(vapidSubject('http://127.0.0.1:3000', undefined)).toBe('mailto:roost@127.0.0.1');
    expect(vapidSubject('https://localhost', 'Roost <alerts@roost.example>')).toBe('mailto:alerts@roost.example');
    expect(vapidSubject(undefined, undefined)).toBe('mailto:roost@localhost');
  });
});

async function startWithPush(dataDir: string, service: PushService, env: Record<string, string>): Promise<RoostServer & { url: string }> {
  const config = loadConfig({ DATA_DIR: dataDir, HOST: '127.0.0.1', DEMO_LISTINGS: '0', ...UNLIMITED, PUSH_HOSTS: service.hostEntry, ...env });
  const roost = await startRoost(config, { pushCa: service.ca });
  return Object.assign(roost, { url: `http://127.0.0.1:${roost.port}` });
}

async function signedIn(base: string, mail: MailServer, email: string): Promise<BrowserSession> {
  const b = new BrowserSession(base);
  const before = mail.to(email).length;
  expect((await b.api('/api/auth/email', { method: 'POST', body: { email } })).status).toBeLessThan(300);
  const token = tokenIn(await mail.nth(email, before + 1));
  expect((await b.api('/api/auth/email/verify', { method: 'POST', body: { token } })).status).toBe(200);
  return b;
}

const TOKEN = 'push-test-admin-token-0123456789abcdef';
const flat = { title: 'Canal flat', lat: 52.37, lon: 4.89, price: 1900, currency: 'EUR', pricePer: 'month', type: 'entire', bedrooms: 1 };

describe('push routes and away participants on a real server', () => {
  let service: PushService;
  let mail: MailServer;
  let api: RoostServer & { url: string };
  let dataDir: string;
  let port: number;
  let env: Record<string, string>;

  beforeAll(async () => {
    service = await PushService.start();
    mail = await MailServer.start();
    port = await freePort();
    dataDir = tempDir('push-server');
    env = { PORT: String(port), ADMIN_TOKEN: TOKEN, SMTP_URL: mail.url, PUBLIC_URL: `http://127.0.0.1:${port}`, MESSAGE_NOTIFY_AFTER_S: '1' };
    api = await startWithPush(dataDir, service, env);
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await mail?.stop();
    await service?.stop();
  });

  it('GET /api/push/key gives the VAPID key every push is signed with', async () => {
    const r = await new BrowserSession(api.url).json('/api/push/key');
    expect(r.status).toBe(200);
    expect(Buffer.from(r.body.publicKey, 'base64url')).toHaveLength(65);
    service.expectKey = r.body.publicKey;
  });

  it('subscribes an anonymous renter (201), refuses bad input naming the field, another site, and hosts outside PUSH_HOSTS (422 endpoint)', async () => {
    const b = new BrowserSession(api.url);
    const s = service.subscribe();
    const ok = await b.json('/api/push/subscriptions', { method: 'POST', body: s.json });
    expect([ok.status, ok.body]).toEqual([201, { endpoint: s.json.endpoint }]);
    expect(b.cookie).toMatch(/roost_session=/);
    const bad = async (body: unknown) => (await b.json('/api/push/subscriptions', { method: 'POST', body })).body.error;
    expect(await bad({ ...s.json, endpoint: 'http://localhost/x' })).toMatchObject({ code: 'bad_request', field: 'endpoint' });
    expect(await bad({ ...s.json, keys: { ...s.json.keys, p256dh: 'abc' } })).toMatchObject({ code: 'bad_request', field: 'keys.p256dh' });
    expect(await bad({ ...s.json, keys: { p256dh: s.json.keys.p256dh } })).toMatchObject({ code: 'bad_request', field: 'keys.auth' });
    expect(await bad({ endpoint: 'https://evil.example/push', keys: s.json.keys })).toMatchObject({ code: 'unprocessable', field: 'endpoint' });
    expect((await b.json('/api/push/subscriptions', { method: 'POST', body: service.subscribe({ status: 201 }, '127.0.0.1').json })).status).toBe(422);
    const forged = new BrowserSession(api.url, 'https://evil.example');
    forged.cookie = b.cookie;
    expect((await forged.json('/api/push/subscriptions', { method: 'POST', body: service.subscribe().json })).status).toBe(403);
    expect((await b.json('/api/push/subscriptions', { method: 'PUT', body: s.json })).status).toBe(405);
  });

  it('keeps at most 20 per owner (the oldest go), deletes by endpoint (204), and a sign-in moves them to the account', async () => {
    const b = new BrowserSession(api.url);
    const subs = Array.from({ length: MAX_PUSH_SUBSCRIPTIONS + 2 }, () => service.subscribe());
    for (const s of subs) expect((await b.api('/api/push/subscriptions', { method: 'POST', body: s.json })).status).toBe(201);
    expect((await b.api('/api/push/subscriptions', { method: 'DELETE', body: { endpoint: subs.at(-1)!.json.endpoint } })).status).toBe(204);
    expect((await b.api('/api/push/subscriptions', { method: 'DELETE', body: { endpoint: subs.at(-1)!.json.endpoint } })).status).toBe(204);
    expect((await b.json('/api/push/subscriptions', { method: 'DELETE', body: {} })).body.error).toMatchObject({ field: 'endpoint' });
    // Signing in moves what the anonymous session kept to the account: a message to it reaches these.
    const before = mail.to('zoe@example.com').length;
    await b.api('/api/auth/email', { method: 'POST', body: { email: 'zoe@example.com' } });
    const token = tokenIn(await mail.nth('zoe@example.com', before + 1));
    expect((await b.api('/api/auth/email/verify', { method: 'POST', body: { token } })).status).toBe(200);
    const account = (await b.json('/api/me')).body.account.id as string;
    const kept = await api.push.subscriptionsOf(account);
    expect(kept.map((k) => k.endpoint).sort()).toEqual(subs.slice(2, -1).map((s) => s.json.endpoint).sort());
  });

  it('a message to a host who is away is pushed once, after MESSAGE_NOTIFY_AFTER_S, as text opening the conversation; not to one who is here', async () => {
    const host = await signedIn(api.url, mail, 'hana@example.com');
    const renter = await signedIn(api.url, mail, 'ann@example.com');
    const other = await signedIn(api.url, mail, 'bob@example.com');
    const phone = service.subscribe();
    expect((await host.api('/api/push/subscriptions', { method: 'POST', body: phone.json })).status).toBe(201);
    const listingId = (await host.json('/api/listings', { method: 'POST', body: flat })).body.id as string;
    const conversationId = (await renter.json('/api/conversations', { method: 'POST', body: { listingId } })).body.conversation.id as string;
    const sentAt = Date.now();
    for (const [i, text] of ['Hello! Is it <b>free</b> in May?', 'Also: pets?', 'Thanks'].entries()) {
      expect((await renter.json(`/api/conversations/${conversationId}/messages`, { method: 'POST', body: { clientId: `a-${i}`, text } })).status).toBe(201);
    }
    await until('the push to the away host', () => phone.received.length > 0, 10_000);
    expect(phone.received[0]!.at - sentAt).toBeGreaterThanOrEqual(1_000);
    // The newest of the messages that had waited long enough when the notifier read them.
    const texts = ['Hello! Is it <b>free</b> in May?', 'Also: pets?', 'Thanks'];
    expect(phone.received[0]!.payload).toEqual({ title: 'New message from Ann', body: expect.toBeOneOf(texts), url: `/messages/${conversationId}`, tag: `message:${conversationId}` });
    // Three messages, one notification in the period.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(phone.received).toHaveLength(1);

    // The host holds a socket: Bob's message is delivered there, not pushed.
    const socket = await host.socket();
    const second = (await other.json('/api/conversations', { method: 'POST', body: { listingId } })).body.conversation.id as string;
    expect((await other.json(`/api/conversations/${second}/messages`, { method: 'POST', body: { clientId: 'b-1', text: 'Hi there' } })).status).toBe(201);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(phone.received).toHaveLength(1);
    socket.close();
    expect(service.refused).toEqual([]);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(/^roost_message_notices_total 1$/m);
    expect(metrics).toMatch(/^roost_push_taken_total 1$/m);
  }, 30_000);

  it('a message still waiting when the node stops is pushed after it starts again (the cursor is in the record), once', async () => {
    const host = await signedIn(api.url, mail, 'hugo@example.com');
    const renter = await signedIn(api.url, mail, 'cleo@example.com');
    const phone = service.subscribe();
    expect((await host.api('/api/push/subscriptions', { method: 'POST', body: phone.json })).status).toBe(201);
    const listingId = (await host.json('/api/listings', { method: 'POST', body: flat })).body.id as string;
    const conversationId = (await renter.json('/api/conversations', { method: 'POST', body: { listingId } })).body.conversation.id as string;
    expect((await renter.json(`/api/conversations/${conversationId}/messages`, { method: 'POST', body: { clientId: 'c-1', text: 'Still <i>free</i>?\n\nI can come on Monday — '.padEnd(400, 'x') } })).status).toBe(201);
    await api.close();
    expect(phone.received).toHaveLength(0);
    api = await startWithPush(dataDir, service, env);
    await until('the push after the restart', () => phone.received.length > 0, 10_000);
    // As text, cut to 140 characters with an ellipsis, whitespace runs made one space.
    const body = phone.received[0]!.payload.body as string;
    expect(phone.received[0]!.payload).toMatchObject({ title: 'New message from Cleo', url: `/messages/${conversationId}` });
    expect(body.startsWith('Still <i>free</i>? I can come on Monday — xx')).toBe(true);
    expect([Array.from(body).length, body.endsWith('…')]).toEqual([140, true]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(phone.received).toHaveLength(1);
  }, 30_000);
});

describe.skipIf(!postgresBin())('push on two nodes sharing PostgreSQL and Redis', () => {
  let service: PushService;
  let mail: MailServer;
  let pg: PostgresServer;
  let redis: RedisServer;
  const nodes: (RoostServer & { url: string })[] = [];

  beforeAll(async () => {
    [service, mail, pg, redis] = await Promise.all([PushService.start(), MailServer.start(), PostgresServer.start(), RedisServer.start()]);
    const databaseUrl = await pg.createDatabase('push_cluster');
    const ports = [await freePort(), await freePort()];
    for (const port of ports) {
      nodes.push(
        await startWithPush(tempDir('push-node'), service, {
          PORT: String(port),
          DATABASE_URL: databaseUrl,
          REDIS_URL: redis.url,
          ADMIN_TOKEN: TOKEN,
          SMTP_URL: mail.url,
          PUBLIC_URL: `http://127.0.0.1:${ports[0]}`,
          MESSAGE_NOTIFY_AFTER_S: '1',
        }),
      );
    }
  }, 60_000);
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await Promise.all([service?.stop(), mail?.stop(), redis?.kill()]);
    await pg?.stop();
  });

  it('every node signs with the one VAPID key the record keeps', async () => {
    const keys = await Promise.all(nodes.map(async (n) => (await new BrowserSession(n.url).json('/api/push/key')).body.publicKey as string));
    expect(new Set(keys).size).toBe(1);
    service.expectKey = keys[0]!;
  });

  it('a message to a host who is away is pushed once, though both nodes read it; not while the host has a page open on the other node', async () => {
    const [a, b] = nodes as [RoostServer & { url: string }, RoostServer & { url: string }];
    const host = await signedIn(a.url, mail, 'hana@example.com');
    const renterOnA = await signedIn(a.url, mail, 'ann@example.com');
    // The renter writes from the other node (the cookie is good on every node).
    const renter = new BrowserSession(b.url, a.url);
    renter.cookie = renterOnA.cookie;
    const phone = service.subscribe();
    expect((await host.api('/api/push/subscriptions', { method: 'POST', body: phone.json })).status).toBe(201);
    const listingId = (await host.json('/api/listings', { method: 'POST', body: flat })).body.id as string;
    const conversationId = (await renter.json('/api/conversations', { method: 'POST', body: { listingId } })).body.conversation.id as string;
    for (let i = 0; i < 3; i++) expect((await renter.json(`/api/conversations/${conversationId}/messages`, { method: 'POST', body: { clientId: `p-${i}`, text: `Line ${i}` } })).status).toBe(201);
    await until('the push to the away host', () => phone.received.length > 0, 10_000);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(phone.received).toHaveLength(1);
    expect(phone.received[0]!.payload).toMatchObject({ title: 'New message from Ann', url: `/messages/${conversationId}` });

    // The host holds a socket on node A; Bob writes through node B: delivered, not pushed.
    const socket = await host.socket();
    const bobOnA = await signedIn(a.url, mail, 'bob@example.com');
    const bob = new BrowserSession(b.url, a.url);
    bob.cookie = bobOnA.cookie;
    const second = (await bob.json('/api/conversations', { method: 'POST', body: { listingId } })).body.conversation.id as string;
    expect((await bob.json(`/api/conversations/${second}/messages`, { method: 'POST', body: { clientId: 'b-1', text: 'Hi' } })).status).toBe(201);
    await socket.next((f) => f.type === 'message');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(phone.received).toHaveLength(1);
    socket.close();
    expect(service.refused).toEqual([]);
  }, 60_000);
});
