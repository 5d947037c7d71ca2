/**
 * A renter signed in through one node is signed in on every node (CONTRACT.md "Cluster"):
 * two nodes as separate hosts run them — each its own DATA_DIR, one PostgreSQL of our own
 * and one redis-server — and a sign-out through one node closes the renter's socket on the
 * other at once (the bus), not at the next recheck.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './helpers/browser-session';
import { MailServer, tokenIn } from './helpers/mail-server';
import { NodeProcess } from './helpers/node-process';
import { postgresBin, PostgresServer } from './helpers/postgres-server';
import { RedisServer } from './helpers/redis-server';
import { tempDir } from './helpers/roost';

/** The origin renters reach the cluster at (nginx in front); every node takes writes from its pages. */
const SITE = 'http://roost.test';

describe.skipIf(!postgresBin())('accounts across a cluster on PostgreSQL and Redis', () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let mail: MailServer;
  const nodes: NodeProcess[] = [];

  beforeAll(async () => {
    pg = await PostgresServer.start();
    redis = await RedisServer.start();
    mail = await MailServer.start();
    const env = { DATABASE_URL: await pg.createDatabase('accounts_cluster'), REDIS_URL: redis.url, SMTP_URL: mail.url, PUBLIC_URL: SITE };
    nodes.push(...(await Promise.all([0, 1].map(() => NodeProcess.start({ DATA_DIR: tempDir('acc-node'), ...env })))));
  }, 120_000);
  afterAll(async () => {
    for (const n of nodes) await n.kill('SIGTERM');
    await redis?.kill();
    await mail?.stop();
    await pg?.stop();
  }, 60_000);

  it('signed in through one node, signed in on the other; signed out through the other, its socket on the first closes at once', async () => {
    const [a, b] = nodes as [NodeProcess, NodeProcess];
    const onA = new BrowserSession(a.url, SITE);
    expect((await onA.api('/api/auth/email', { method: 'POST', body: { email: 'cluster@example.com' } })).status).toBe(202);
    const m = await mail.nth('cluster@example.com');
    expect(m.text).toContain(`${SITE}/auth/email?token=`);
    expect((await onA.api('/api/auth/email/verify', { method: 'POST', body: { token: tokenIn(m) } })).status).toBe(200);
    const me = (await onA.json('/api/me')).body.account;
    expect(me.email).toBe('cluster@example.com');

    // The same browser (its cookie) on the other node: the same account, the same records.
    const onB = new BrowserSession(b.url, SITE);
    onB.cookie = onA.cookie;
    expect((await onB.json('/api/me')).body.account).toEqual(me);
    expect((await onB.api('/api/saved-searches', { method: 'POST', body: { name: 'Made on B', bbox: [-74, 40.7, -73.9, 40.8] } })).status).toBe(201);
    expect((await onA.json('/api/saved-searches')).body.savedSearches.map((s: { name: string }) => s.name)).toEqual(['Made on B']);

    const socket = await onA.socket();
    const started = Date.now();
    expect((await onB.api('/api/auth/sign-out', { method: 'POST' })).status).toBe(204);
    expect(await socket.closed()).toBe(4001);
    // The bus carried it: far inside the 15 s recheck that would otherwise have closed it.
    expect(Date.now() - started).toBeLessThan(5_000);
    const stale = new BrowserSession(a.url, SITE);
    stale.cookie = onA.cookie;
    expect((await stale.json('/api/me')).body.account).toBeNull();
  });
});
