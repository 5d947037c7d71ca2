/**
 * Exactly once across faults (issue 29): three nodes on one PostgreSQL and one Redis of
 * our own, a renter's saved search with email, homes arriving through every node; the node
 * sending the outbox SIGKILLed mid-send, then the database killed and restarted. Every
 * accepted home reaches the SMTP server of the test's own exactly once — counted by home
 * (the mails' content) and by Message-ID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './helpers/browser-session';
import { listUnsubscribe, MailServer, tokenIn, type ReceivedMail } from './helpers/mail-server';
import { NodeProcess } from './helpers/node-process';
import { postgresBin, PostgresServer } from './helpers/postgres-server';
import { RedisServer } from './helpers/redis-server';
import { secretForTests, tempDir } from './helpers/roost';

const TOKEN = secretForTests();
const AREA = [-74.0, 40.74, -73.97, 40.77];
const EMAIL = 'cluster-renter@example.com';

// ALERT_SENDERS 1: one sender for the cluster; 3: the outbox in slices by owner, one a node, the victim's slice taken over.
describe.skipIf(!postgresBin()).each(['1', '3'])('alert mail on three nodes over PostgreSQL and Redis (ALERT_SENDERS %s): a sender SIGKILLed, the database restarted', (senders) => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let mail: MailServer;
  const nodes: (NodeProcess | null)[] = [];

  beforeAll(async () => {
    pg = await PostgresServer.start();
    redis = await RedisServer.start();
    mail = await MailServer.start();
    const env = {
      DATABASE_URL: await pg.createDatabase(`alert_mail_cluster_${senders}`),
      REDIS_URL: redis.url,
      ADMIN_TOKEN: TOKEN,
      SMTP_URL: mail.url,
      PUBLIC_URL: 'https://roost.test',
      ALERT_SEND_LEASE_S: '5',
      ALERT_MAILS_PER_HOUR: '100000',
      ALERT_SENDERS: senders,
    };
    nodes.push(...(await Promise.all([0, 1, 2].map(() => NodeProcess.start({ DATA_DIR: tempDir('mail-node'), ...env })))));
  }, 180_000);

  afterAll(async () => {
    for (const n of nodes) await n?.kill('SIGTERM');
    await redis?.kill();
    await pg?.stop();
    await mail?.stop();
  }, 60_000);

  const live = () => nodes.filter((n): n is NodeProcess => n !== null);
  const alertMails = (): ReceivedMail[] => mail.to(EMAIL).filter((m) => listUnsubscribe(m).url !== '');
  const mailedHomes = () => alertMails().flatMap((m) => [...m.text.matchAll(/\/listings\/(c-\d+)/g)].map((x) => x[1]!));

  /** A home written through some node until one accepts it (503 while the database is down). */
  async function addHome(i: number): Promise<void> {
    for (let tries = 0; ; tries++) {
      const n = live()[(i + tries) % live().length]!;
      const res = await fetch(`${n.url}/api/listings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: `c-${i}`, title: `Cluster flat ${i}`, lat: 40.745 + (i % 20) * 0.001, lon: -73.995 + Math.floor(i / 20) * 0.001, price: 2500 + i, type: 'entire', district: 'Manhattan', neighbourhood: 'Chelsea' }),
      }).catch(() => null);
      if (res && res.status < 300) return;
      expect(tries, `write c-${i} refused: ${res?.status}`).toBeLessThan(200);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Which node sends mail now: the one whose /metrics counts mails it had accepted. */
  async function sender(): Promise<number> {
    for (let tries = 0; tries < 100; tries++) {
      for (const [i, n] of nodes.entries()) {
        if (!n) continue;
        const text = await (await fetch(`${n.url}/metrics`)).text();
        const m = /roost_alert_lag_seconds_count\{stage="mailed"\} (\d+)/.exec(text);
        if (m && Number(m[1]) > 0) return i;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no node has sent a mail');
  }

  it('every accepted home is mailed exactly once', async () => {
    const b = new BrowserSession(nodes[0]!.url, 'https://roost.test');
    expect((await b.api('/api/auth/email', { method: 'POST', body: { email: EMAIL } })).status).toBe(202);
    const token = tokenIn(await mail.nth(EMAIL, 1, 30_000));
    expect((await b.json('/api/auth/email/verify', { method: 'POST', body: { token } })).status).toBe(200);
    const s = await b.json('/api/saved-searches', { method: 'POST', body: { name: 'Chelsea', bbox: AREA, channels: ['page', 'email'], notify: ['new'] } });
    expect(s.status).toBe(201);

    const total = 45;
    let i = 0;
    const stream = (async () => {
      for (; i < total; i++) {
        await addHome(i);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    // The sending node dies mid-stream, as it sends.
    const victim = await sender();
    await nodes[victim]!.kill('SIGKILL');
    nodes[victim] = null;
    // Later, the database crashes and comes back.
    while (i < 25) await new Promise((r) => setTimeout(r, 50));
    await pg.kill();
    await new Promise((r) => setTimeout(r, 1_000));
    await pg.restart();
    await stream;

    const want = Array.from({ length: total }, (_, k) => `c-${k}`);
    const end = Date.now() + 90_000;
    while (new Set(mailedHomes()).size < total) {
      if (Date.now() > end) throw new Error(`mailed ${new Set(mailedHomes()).size} of ${total}: missing ${want.filter((w) => !mailedHomes().includes(w)).join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // Past every attempt lease: a row a dead node held would have been sent again by now.
    await new Promise((r) => setTimeout(r, 7_000));
    expect(mailedHomes().sort()).toEqual(want.sort());
    const ids = alertMails().map((m) => String(m.headers.get('message-id')));
    expect(new Set(ids).size).toBe(ids.length);
  }, 240_000);
});
