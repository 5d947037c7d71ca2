/**
 * Alerts are never lost and never shown twice: three node processes on one DATA_DIR and
 * a broker of our own; a renter with a saved search; 300 matching writes through nodes
 * 1 and 3 while the node the renter is connected to is SIGKILLed, or while the broker is
 * (each bus: Redis, RabbitMQ, RocketMQ).
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertScreen as Screen } from './helpers/alert-screen';
import { NodeProcess } from './helpers/node-process';
import { BUS_KINDS, brokerMissing, startBroker, type Broker, type BusKind } from './helpers/brokers';
import { Renter } from './helpers/renter';
import { tempDir, secretForTests } from './helpers/roost';

const TOKEN = secretForTests();
const AREA: [number, number, number, number] = [-74.0, 40.7, -73.9, 40.8];
const WRITES = 300;

/** What the running test started; killed after it, pass or fail. */
let started: { broker: Broker; nodes: NodeProcess[] } | null = null;

async function cluster(kind: BusKind = 'redis') {
  const broker = await startBroker(kind);
  const dataDir = tempDir('alerts-fault');
  const nodes: NodeProcess[] = [];
  started = { broker, nodes };
  for (let i = 0; i < 3; i++) nodes.push(await NodeProcess.start({ DATA_DIR: dataDir, ...broker.env, ADMIN_TOKEN: TOKEN }));
  return { broker, nodes, dataDir };
}

async function post(node: NodeProcess, i: number) {
  const res = await fetch(`${node.url}/api/listings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: `f-${i}`, title: `Home ${i}`, lat: 40.71 + (i % 80) / 1000, lon: -73.99 + Math.floor(i / 80) / 100, price: 1000 + i, type: 'entire', district: 'D', neighbourhood: 'N' }),
  });
  expect(res.status).toBe(201);
}

async function waitFor(check: () => boolean, ms: number, what: string) {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('alerts across node kills and a Redis restart', () => {
  afterEach(async () => {
    for (const n of started?.nodes ?? []) await n.kill();
    await started?.broker.stop();
    started = null;
  }, 60_000);

  it('node 2 SIGKILLed a third of the way: the renter resumes on node 3 and gets all 300, none twice', async () => {
    const { nodes } = await cluster();
    const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
    const renter = await Renter.visit(n2.url);
    expect((await renter.api(n2.url, '/api/saved-searches', { method: 'POST', body: { name: 'All new homes', bbox: AREA, notify: ['new'] } })).status).toBe(201);
    const screen = new Screen();
    const first = await renter.socket(n2.url);
    screen.take(first);
    await first.watch(AREA);
    for (let i = 0; i < WRITES; i++) {
      if (i === WRITES / 3) await n2.kill('SIGKILL');
      await post(i % 2 === 0 ? n1 : n3, i);
    }
    // Back on another node, from the last alert the screen showed.
    const second = await renter.socket(n3.url);
    screen.take(second);
    second.send({ type: 'resume', after: screen.lastId });
    await waitFor(() => screen.shown.size >= WRITES, 15_000, `${WRITES} alerts (have ${screen.shown.size})`);
    expect(new Set(screen.shown.values()).size).toBe(WRITES);
    expect([...screen.shown.values()].sort()).toEqual(Array.from({ length: WRITES }, (_, i) => `f-${i}`).sort());
    const inbox = ((await (await renter.api(n1.url, '/api/alerts?after=0')).json()) as { alerts: { id: number }[] }).alerts;
    expect(inbox).toHaveLength(WRITES);
    expect(inbox.map((a) => a.id)).toEqual([...screen.shown.keys()].sort((a, b) => a - b));
    first.close();
    second.close();
  }, 90_000);

  it('the node holding the matching lease SIGKILLed mid-stream: another takes over, all 300, none twice', async () => {
    const { nodes, dataDir } = await cluster();
    const ids = await Promise.all(nodes.map(async (n) => ((await (await fetch(`${n.url}/readyz`)).json()) as { node: string }).node));
    const renter = await Renter.visit(nodes[0]!.url);
    await renter.api(nodes[0]!.url, '/api/saved-searches', { method: 'POST', body: { name: 'All new homes', bbox: AREA } });
    const screen = new Screen();
    const sockets = await Promise.all(nodes.map((n) => renter.socket(n.url)));
    for (const s of sockets) screen.take(s);
    const db = new Database(path.join(dataDir, 'alerts.db'), { readonly: true });
    let killed = -1;
    for (let i = 0; i < WRITES; i++) {
      if (i === WRITES / 3) {
        const holder = (db.prepare('SELECT holder FROM matcher').pluck().get() as string | null) ?? '';
        killed = ids.indexOf(holder);
        expect(killed).toBeGreaterThanOrEqual(0);
        await nodes[killed]!.kill('SIGKILL');
      }
      const alive = nodes.filter((_, k) => k !== killed);
      await post(alive[i % alive.length]!, i);
    }
    await waitFor(() => screen.shown.size >= WRITES, 15_000, `${WRITES} alerts (have ${screen.shown.size})`);
    // Another node holds the work now.
    expect(db.prepare('SELECT holder FROM matcher').pluck().get()).not.toBe(ids[killed]);
    db.close();
    expect(screen.shown.size).toBe(WRITES);
    const inbox = ((await (await renter.api(nodes[(killed + 1) % 3]!.url, '/api/alerts?after=0')).json()) as { alerts: { listing: { id: string } }[] }).alerts;
    expect(inbox).toHaveLength(WRITES);
    expect(new Set(inbox.map((a) => a.listing.id)).size).toBe(WRITES);
    for (const s of sockets) s.close();
  }, 90_000);

  for (const kind of BUS_KINDS) {
    const missing = brokerMissing(kind);
    it.skipIf(missing !== null)(`${kind} SIGKILLed and restarted mid-stream: all 300 arrive live, none twice`, async () => {
      const { broker, nodes } = await cluster(kind);
      const [n1, n2, n3] = nodes as [NodeProcess, NodeProcess, NodeProcess];
      const renter = await Renter.visit(n2.url);
      await renter.api(n2.url, '/api/saved-searches', { method: 'POST', body: { name: 'All new homes', bbox: AREA } });
      const screen = new Screen();
      const socket = await renter.socket(n2.url);
      screen.take(socket);
      for (let i = 0; i < WRITES; i++) {
        if (i === WRITES / 3) await broker.kill();
        if (i === (2 * WRITES) / 3) await broker.restart();
        await post(i % 2 === 0 ? n1 : n3, i);
      }
      await waitFor(() => screen.shown.size >= WRITES, 30_000, `${WRITES} alerts (have ${screen.shown.size})`);
      expect(screen.shown.size).toBe(WRITES);
      expect(screen.repeats).toBe(0);
      const inbox = ((await (await renter.api(n3.url, '/api/alerts?after=0')).json()) as { alerts: unknown[] }).alerts;
      expect(inbox).toHaveLength(WRITES);
      socket.close();
    }, 180_000);
  }
});
