/**
 * Three Roost nodes as their own processes, one DATA_DIR, on each bus with a real broker
 * of our own (Redis, RabbitMQ, RocketMQ): writes through any node reach every matching
 * watcher on every node and no other, in order, search on every node sees them, the
 * broker SIGKILLed and restarted mid-stream loses nothing and repeats nothing, and a
 * renter's alert travels only to the nodes that hold the renter's sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUS_KINDS, brokerMissing, startBroker, type Broker, type BusKind } from './helpers/brokers';
import { LiveClient } from './helpers/live-client';
import { NodeProcess } from './helpers/node-process';
import { Renter } from './helpers/renter';
import { tempDir, secretForTests } from './helpers/roost';

const TOKEN = secretForTests();
type Box = [number, number, number, number];
const AREA_A: Box = [-74.0, 40.74, -73.97, 40.77];
const AREA_B: Box = [-73.99, 40.64, -73.93, 40.7];
const OUTSIDE = { lat: 40.85, lon: -73.85 };

function pointIn([w, s, e, n]: Box, i: number) {
  return { lat: s + ((n - s) * ((i % 17) + 1)) / 19, lon: w + ((e - w) * ((i % 13) + 1)) / 15 };
}

/** A node's count of bus messages on the alerts channel, of one kind. */
async function alertMessages(node: NodeProcess, kind: 'received' | 'sent_one' | 'sent_all'): Promise<number> {
  const text = await (await fetch(`${node.url}/metrics`)).text();
  const m = new RegExp(`^roost_bus_messages_total\\{channel="roost:alerts",kind="${kind}"\\} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

for (const kind of BUS_KINDS) clusterSuite(kind);

function clusterSuite(kind: BusKind) {
const missing = brokerMissing(kind);
if (missing) process.stdout.write(`cluster suite, ${kind} leg skipped: ${missing}\n`);
describe.skipIf(missing !== null)(`a cluster of three nodes over ${kind}`, () => {
  let broker: Broker;
  const nodes: NodeProcess[] = [];
  const watchers: { node: number; area: 'A' | 'B'; client: LiveClient }[] = [];
  const sent = { A: [] as string[], B: [] as string[], outside: [] as string[] };

  beforeAll(async () => {
    broker = await startBroker(kind);
    const dataDir = tempDir('cluster');
    for (let i = 0; i < 3; i++) nodes.push(await NodeProcess.start({ DATA_DIR: dataDir, ...broker.env, ADMIN_TOKEN: TOKEN }));
    for (const [i, node] of nodes.entries()) {
      for (const area of ['A', 'B'] as const) {
        const client = await LiveClient.connect(node.url);
        await client.watch(area === 'A' ? AREA_A : AREA_B);
        watchers.push({ node: i, area, client });
      }
    }
  }, 180_000);

  afterAll(async () => {
    for (const w of watchers) w.client.close();
    for (const n of nodes) await n.kill('SIGTERM');
    await broker?.stop();
  }, 60_000);

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
      await w.client.next((m) => m.listing?.id === want.at(-1), 10_000);
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

  it(`${kind} killed and restarted mid-stream: no watcher misses an event, none gets one twice`, async () => {
    for (let round = 0; round < 5; round++) await writeRound('pre', round);
    await broker.kill();
    // While the broker is away, nodes still read the shared log.
    for (let round = 0; round < 5; round++) await writeRound('down', round);
    await new Promise((r) => setTimeout(r, 2_000));
    await broker.restart();
    // Every node's bus comes back by itself.
    for (const node of nodes) await node.untilReady(90_000);
    for (let round = 0; round < 5; round++) await writeRound('post', round);
    await expectEveryWatcherHasExactly();
    expect(sent.A.length).toBe(26);
  }, 240_000);

  it(`a node started while ${kind} is down serves from the log, then joins the bus when it returns`, async () => {
    await broker.kill();
    // The third node restarts into the outage: up (not ready), its watchers fed by polling the log.
    await nodes[2]!.kill('SIGTERM');
    for (const w of watchers.filter((w) => w.node === 2)) w.client.close();
    nodes[2] = await NodeProcess.start({ DATA_DIR: nodes[0]!.dataDir!, ...broker.env, ADMIN_TOKEN: TOKEN }, { until: 'listening' });
    const ready = await fetch(`${nodes[2]!.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { bus: string }).bus).toContain(kind);
    const late = await LiveClient.connect(nodes[2]!.url);
    await late.watch(AREA_A);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push(`late-down-${i}`);
      await post(i % 2, ids.at(-1)!, pointIn(AREA_A, i));
    }
    await late.next((m) => m.listing?.id === ids.at(-1), 10_000);
    await broker.restart();
    for (const node of nodes) await node.untilReady(90_000);
    for (let i = 0; i < 4; i++) {
      ids.push(`late-up-${i}`);
      await post(i % 3, ids.at(-1)!, pointIn(AREA_A, i));
    }
    await late.next((m) => m.listing?.id === ids.at(-1), 10_000);
    // Every write once, in commit order, through the outage and after it.
    expect(late.messages.filter((m) => m.type === 'listing').map((m) => m.listing!.id)).toEqual(ids);
    late.close();
    // The watchers on the first two nodes saw these too; the third node's old ones are gone.
    sent.A.push(...ids);
    for (let i = watchers.length - 1; i >= 0; i--) if (watchers[i]!.node === 2) watchers.splice(i, 1);
    await expectEveryWatcherHasExactly();
  }, 300_000);

  it('an alert travels only to the nodes holding its renter: a socket on each of two nodes gets it, the third node hears nothing', async () => {
    const renter = await Renter.visit(nodes[0]!.url);
    const created = await renter.api(nodes[0]!.url, '/api/saved-searches', { method: 'POST', body: { name: 'A', bbox: AREA_A } });
    expect(created.status).toBe(201);
    const on1 = await renter.socket(nodes[1]!.url);
    const on2 = await renter.socket(nodes[2]!.url);
    // Both nodes have registered the renter (a write each, done as the socket opened).
    await new Promise((r) => setTimeout(r, 500));
    const before = await Promise.all(nodes.map((n) => alertMessages(n, 'received')));
    const sentBefore = await Promise.all(nodes.flatMap((n) => [alertMessages(n, 'sent_one'), alertMessages(n, 'sent_all')]));
    await post(0, 'routed', pointIn(AREA_A, 7));
    sent.A.push('routed');
    for (const s of [on1, on2]) await s.next((m) => m.type === 'alert' && (m.listing as { id: string } | undefined)?.id === 'routed', 10_000);
    await new Promise((r) => setTimeout(r, 1_000)); // a doorbell to the third node would have come by now
    const after = await Promise.all(nodes.map((n) => alertMessages(n, 'received')));
    const sentAfter = await Promise.all(nodes.flatMap((n) => [alertMessages(n, 'sent_one'), alertMessages(n, 'sent_all')]));
    const received = after.map((a, i) => a - before[i]!);
    const sentTotal = sentAfter.reduce((t, v, i) => t + v - sentBefore[i]!, 0);
    expect(received[0], 'node 0 holds no socket of the renter').toBe(0);
    // One doorbell per holding node, none to the others: the lease holder rings its own delivery directly.
    expect(received[1]! + received[2]!).toBe(sentTotal);
    expect(sentTotal).toBeLessThanOrEqual(2);
    for (const [i, s] of [on1, on2].entries()) {
      expect(s.messages.filter((m) => m.type === 'alert').map((m) => (m.listing as { id: string }).id), `socket on node ${i + 1}`).toEqual(['routed']);
      s.close();
    }
    await expectEveryWatcherHasExactly();
  }, 60_000);
});
}
