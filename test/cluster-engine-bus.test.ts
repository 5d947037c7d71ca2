/**
 * Two Roost nodes on a real OpenSearch node and our own redis-server, each with a DATA_DIR
 * of its own, as on two hosts: nothing shared but the search cluster and Redis, so the
 * bus is the only way a change reaches the other node's watchers. Redis killed and
 * restarted while writes go on through both nodes: once it is back, every watcher has
 * every change in its area, once (the changes made while Redis was away come late, so not
 * in the order they were made).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient } from './helpers/live-client';
import { NodeProcess } from './helpers/node-process';
import { openSearchMissing, startOpenSearchNode, type OpenSearchNode } from './helpers/opensearch-node';
import { RedisServer } from './helpers/redis-server';
import { tempDir } from './helpers/roost';

/** Port for this suite's node; the contract suite and the `npm run opensearch` test use others. */
const OPENSEARCH_PORT = 9281;
const TOKEN = 'two-hosts-token';
const AREA: [number, number, number, number] = [-74.0, 40.74, -73.97, 40.77];

const missing = openSearchMissing();
if (missing) process.stdout.write(`cluster engine over Redis, skipped: ${missing}\n`);

describe.skipIf(missing !== null)('nodes on a search cluster, sharing only Redis', () => {
  let search: OpenSearchNode;
  let redis: RedisServer;
  const nodes: NodeProcess[] = [];
  const watchers: LiveClient[] = [];
  const sent: string[] = [];

  beforeAll(async () => {
    search = await startOpenSearchNode(OPENSEARCH_PORT);
    redis = await RedisServer.start();
    for (const host of ['host-a', 'host-b']) {
      nodes.push(await NodeProcess.start({ OPENSEARCH_URL: search.url, REDIS_URL: redis.url, DATA_DIR: tempDir(host), ADMIN_TOKEN: TOKEN }));
    }
    for (const node of nodes) {
      const client = await LiveClient.connect(node.url);
      await client.watch(AREA);
      watchers.push(client);
    }
  }, 240_000);

  afterAll(async () => {
    for (const w of watchers) w.close();
    for (const n of nodes) await n.kill('SIGTERM');
    await redis?.kill();
    await search?.stop();
  }, 60_000);

  async function post(node: number, id: string, i: number) {
    const res = await fetch(`${nodes[node]!.url}/api/listings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, title: `Home ${id}`, lat: 40.745 + i * 0.0005, lon: -73.995 + i * 0.0005, price: 1500 + i, type: 'private', district: 'D', neighbourhood: 'N' }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    sent.push(id);
  }

  const received = (w: LiveClient) => w.messages.filter((m) => m.type === 'listing').map((m) => m.listing!.id);

  async function everyWatcherHasExactlyWhatWasSent(timeoutMs: number) {
    for (const [i, w] of watchers.entries()) {
      const deadline = Date.now() + timeoutMs;
      while (received(w).length < sent.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      // A moment more: a change delivered twice would show now.
      await new Promise((r) => setTimeout(r, 300));
      expect([...received(w)].sort(), `watcher on node ${i}`).toEqual([...sent].sort());
    }
  }

  it('a write through either node reaches the watchers on both', async () => {
    for (let i = 0; i < 4; i++) await post(i % 2, `up-${i}`, i);
    await everyWatcherHasExactlyWhatWasSent(5_000);
  });

  it('Redis killed and restarted: the changes made while it was away reach the other node once it is back', async () => {
    await redis.kill();
    // The search cluster still takes writes; only the bus is gone.
    for (let i = 0; i < 6; i++) await post(i % 2, `down-${i}`, 10 + i);
    await new Promise((r) => setTimeout(r, 1_000));
    await redis.restart();
    for (const node of nodes) await node.untilReady();
    for (let i = 0; i < 4; i++) await post(i % 2, `back-${i}`, 20 + i);
    await everyWatcherHasExactlyWhatWasSent(10_000);
    // The operator sees it: at least the six changes made while Redis was away went again.
    let resent = 0;
    for (const node of nodes) {
      const text = await (await fetch(`${node.url}/metrics`)).text();
      resent += Number(text.match(/^roost_bus_notices_resent_total (\d+)$/m)?.[1]);
    }
    expect(resent).toBeGreaterThanOrEqual(6);
  }, 60_000);
});
