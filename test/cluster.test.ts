/**
 * Three Roost nodes as their own processes, one DATA_DIR, our own redis-server: writes
 * through any node reach every matching watcher on every node and no other, search on
 * every node sees them, and Redis killed and restarted mid-stream loses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient } from './helpers/live-client';
import { NodeProcess } from './helpers/node-process';
import { RedisServer } from './helpers/redis-server';
import { tempDir } from './helpers/roost';

const TOKEN = 'cluster-token';
type Box = [number, number, number, number];
const AREA_A: Box = [-74.0, 40.74, -73.97, 40.77];
const AREA_B: Box = [-73.99, 40.64, -73.93, 40.7];
const OUTSIDE = { lat: 40.85, lon: -73.85 };

function pointIn([w, s, e, n]: Box, i: number) {
  return { lat: s + ((n - s) * ((i % 17) + 1)) / 19, lon: w + ((e - w) * ((i % 13) + 1)) / 15 };
}

describe('a cluster of three nodes over Redis', () => {
  let redis: RedisServer;
  const nodes: NodeProcess[] = [];
  const watchers: { node: number; area: 'A' | 'B'; client: LiveClient }[] = [];
  const sent = { A: [] as string[], B: [] as string[], outside: [] as string[] };

  beforeAll(async () => {
    redis = await RedisServer.start();
    const dataDir = tempDir('cluster');
    for (let i = 0; i < 3; i++) nodes.push(await NodeProcess.start({ DATA_DIR: dataDir, REDIS_URL: redis.url, ADMIN_TOKEN: TOKEN }));
    for (const [i, node] of nodes.entries()) {
      for (const area of ['A', 'B'] as const) {
        const client = await LiveClient.connect(node.url);
        await client.watch(area === 'A' ? AREA_A : AREA_B);
        watchers.push({ node: i, area, client });
      }
    }
  }, 120_000);

  afterAll(async () => {
    for (const w of watchers) w.client.close();
    for (const n of nodes) await n.kill('SIGTERM');
    await redis?.kill();
  });

  async function post(nodeIndex: number, id: string, at: { lat: number; lon: number }) {
    const res = await fetch(`${nodes[nodeIndex]!.url}/api/listings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, title: `Home ${id}`, ...at, price: 1500, type: 'private', district: 'D', neighbourhood: 'N' }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }

  /** 3 writes per round: in A, in B, outside both; through nodes 0, 1, 2 in turn. */
  async function writeRound(tag: string, round: number) {
    const a = `${tag}-a${round}`;
    const b = `${tag}-b${round}`;
    const o = `${tag}-o${round}`;
    await post(round % 3, a, pointIn(AREA_A, round));
    await post((round + 1) % 3, b, pointIn(AREA_B, round));
    await post((round + 2) % 3, o, OUTSIDE);
    sent.A.push(a);
    sent.B.push(b);
    sent.outside.push(o);
  }

  async function expectEveryWatcherHasExactly() {
    for (const w of watchers) {
      const want = sent[w.area];
      await w.client.next((m) => m.listing?.id === want.at(-1), 5_000);
      const got = w.client.messages.filter((m) => m.type === 'listing').map((m) => m.listing!.id);
      // Every write in its area, in commit order, once; nothing from elsewhere.
      expect(got, `node ${w.node} area ${w.area}`).toEqual(want);
    }
  }

  it('writes through any node reach every matching watcher on every node, and no other', async () => {
    for (let round = 0; round < 10; round++) await writeRound('w', round);
    await expectEveryWatcherHasExactly();
  });

  it('search on every node sees a write through another node within 1 s', async () => {
    await post(0, 'seen-everywhere', pointIn(AREA_A, 99));
    const done = Date.now();
    for (const node of nodes) {
      for (;;) {
        const r = (await (await fetch(`${node.url}/api/listings/seen-everywhere`)).json()) as { id?: string };
        if (r.id) break;
        expect(Date.now() - done).toBeLessThan(1_000);
        await new Promise((res) => setTimeout(res, 10));
      }
    }
    sent.A.push('seen-everywhere');
    await expectEveryWatcherHasExactly();
  });

  it('Redis killed and restarted mid-stream: no watcher misses an event, none gets one twice', async () => {
    for (let round = 0; round < 5; round++) await writeRound('pre', round);
    await redis.kill();
    // While Redis is away, nodes still read the shared log.
    for (let round = 0; round < 5; round++) await writeRound('down', round);
    await new Promise((r) => setTimeout(r, 2_000));
    await redis.restart();
    // Every node's bus comes back by itself.
    for (const node of nodes) await node.untilReady();
    for (let round = 0; round < 5; round++) await writeRound('post', round);
    await expectEveryWatcherHasExactly();
    expect(sent.A.length).toBe(26);
  }, 60_000);
});
