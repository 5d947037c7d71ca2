/**
 * One contract for every bus, on real brokers of our own: Redis (redis-server), RabbitMQ
 * (a private node beside the machine's) and RocketMQ (`npm run rocketmq`), three nodes
 * each; the in-process bus as the one node it serves. A broadcast reaches every node's
 * subscribers of its channel once; a message routed to a node reaches that node only; a
 * broker SIGKILLed and restarted is reconnected to by itself, says so (to start a
 * catch-up from the log), and carries messages again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../server/bus/bus';
import { MemoryBus } from '../server/bus/memory-bus';
import { openBus } from '../server/bus/open-bus';
import { loadConfig } from '../server/config';
import { BUS_KINDS, brokerMissing, startBroker, type Broker } from './helpers/brokers';
import { tempDir } from './helpers/roost';
import { until } from './helpers/until';


/** What each node heard, per channel. */
type Heard = Map<string, string[]>;

async function joined(bus: Bus, heard: Heard, channels: string[]): Promise<void> {
  for (const c of channels) {
    heard.set(c, []);
    await bus.subscribe(c, (m) => heard.get(c)!.push(m));
  }
}

describe('the in-process bus', () => {
  it('is its own cluster: a broadcast and a message to itself arrive; one for another node cannot be sent', async () => {
    const bus = new MemoryBus('solo');
    const heard: Heard = new Map();
    await joined(bus, heard, ['c1', 'c2']);
    expect(await bus.publish('c1', 'all')).toBe(true);
    expect(await bus.publishTo('solo', 'c1', 'me')).toBe(true);
    expect(await bus.publishTo('elsewhere', 'c1', 'lost')).toBe(false);
    await until('both', () => heard.get('c1')!.length === 2);
    expect(heard.get('c1')).toEqual(['all', 'me']);
    expect(heard.get('c2')).toEqual([]);
    expect(bus.health().ok).toBe(true);
    await bus.close();
  });
});

for (const kind of BUS_KINDS) {
  const missing = brokerMissing(kind);
  if (missing) process.stdout.write(`bus contract, ${kind} leg skipped: ${missing}\n`);
  describe.skipIf(missing !== null)(`the ${kind} bus, three nodes on a real broker`, () => {
    let broker: Broker;
    const names = ['n0', 'n1', 'n2'];
    const buses: Bus[] = [];
    const heard: Heard[] = [];
    const reconnects: number[][] = [[], [], []];

    beforeAll(async () => {
      broker = await startBroker(kind);
      const config = loadConfig({ ...broker.env, DATA_DIR: tempDir(`bus-${kind}`), PORT: '0' });
      for (const [i, name] of names.entries()) {
        const bus = await openBus(config, name);
        buses.push(bus);
        heard.push(new Map());
        await joined(bus, heard[i]!, ['c1', 'c2']);
        bus.onReconnect((lostAt) => reconnects[i]!.push(lostAt));
      }
      await until('every bus healthy', () => buses.every((b) => b.health().ok), 30_000);
    }, 180_000);

    afterAll(async () => {
      for (const b of buses) await b.close();
      await broker?.stop();
    }, 60_000);

    /** Sends until one arrives: a consumer just (re)subscribed may not hear the first. */
    async function deliverable(): Promise<void> {
      const probe = `probe-${Date.now()}`;
      await until(
        'the broker to carry messages',
        () => {
          void buses[0]!.publish('c2', probe);
          return heard.every((h) => h.get('c2')!.includes(probe));
        },
        60_000,
      );
      await new Promise((r) => setTimeout(r, 200));
    }

    it('a broadcast reaches every node once, on its channel only', async () => {
      await deliverable();
      for (const h of heard) h.set('c1', []);
      for (let i = 0; i < 20; i++) expect(await buses[i % 3]!.publish('c1', `b${i}`)).toBe(true);
      await until('20 on every node', () => heard.every((h) => h.get('c1')!.length >= 20));
      await new Promise((r) => setTimeout(r, 300)); // anything extra would have come by now
      const want = Array.from({ length: 20 }, (_, i) => `b${i}`).sort();
      for (const h of heard) expect([...h.get('c1')!].sort()).toEqual(want);
    });

    it('a message routed to one node reaches that node only', async () => {
      for (const h of heard) h.set('c1', []);
      for (let i = 0; i < 10; i++) expect(await buses[0]!.publishTo('n2', 'c1', `to-n2-${i}`)).toBe(true);
      expect(await buses[2]!.publishTo('n1', 'c1', 'to-n1')).toBe(true);
      await until('routed messages', () => heard[2]!.get('c1')!.length >= 10 && heard[1]!.get('c1')!.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(heard[0]!.get('c1')).toEqual([]);
      expect(heard[1]!.get('c1')).toEqual(['to-n1']);
      expect([...heard[2]!.get('c1')!].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `to-n2-${i}`).sort());
    });

    it('the broker SIGKILLed and restarted: every node says it was down, reconnects by itself and carries messages again', async () => {
      const before = reconnects.map((r) => r.length);
      const killedAt = Date.now();
      await broker.kill();
      await until('every bus unhealthy', () => buses.every((b) => !b.health().ok), 30_000);
      await broker.restart();
      await until('every node reconnected', () => reconnects.every((r, i) => r.length > before[i]!), 90_000);
      for (const r of reconnects) expect(r.at(-1)!).toBeGreaterThanOrEqual(killedAt - 5_000);
      await until('every bus healthy again', () => buses.every((b) => b.health().ok), 30_000);
      await deliverable();
      for (const h of heard) h.set('c1', []);
      expect(await buses[1]!.publish('c1', 'after')).toBe(true);
      await until('after, everywhere', () => heard.every((h) => h.get('c1')!.includes('after')));
    }, 240_000);
  });
}
