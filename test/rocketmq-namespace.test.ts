/**
 * ROCKETMQ_NAMESPACE on a real proxy (`npm run rocketmq`, made with the namespace set): the
 * topic and the groups live in it, so two Roost clusters on one broker do not hear each
 * other, and a namespace whose topic was never made is refused at start with one line
 * naming the topic — while a proxy that is not there at all is waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../server/bus/bus';
import { openBus } from '../server/bus/open-bus';
import { loadConfig } from '../server/config';
import { RocketMqNode, rocketMqMissing } from './helpers/rocketmq-node';
import { tempDir } from './helpers/roost';
import { until } from './helpers/until';

const missing = rocketMqMissing();
if (missing) process.stdout.write(`RocketMQ namespace test skipped: ${missing}\n`);


describe.skipIf(missing !== null)('RocketMQ namespaces', () => {
  let broker: RocketMqNode;
  const buses: Bus[] = [];
  const open = async (env: Record<string, string>, node: string) => {
    const bus = await openBus(loadConfig({ ROCKETMQ_ENDPOINTS: broker.endpoints, ...env, DATA_DIR: tempDir(`rmq-ns-${node}`), PORT: '0' }), node);
    buses.push(bus);
    return bus;
  };

  beforeAll(async () => {
    broker = await RocketMqNode.start({ ROCKETMQ_NAMESPACE: 'roost-a' });
  }, 180_000);

  afterAll(async () => {
    for (const b of buses) await b.close();
    await broker?.stop();
  }, 60_000);

  it('npm run rocketmq makes the topic in ROCKETMQ_NAMESPACE; outside it, and in another namespace, there is none and start says so in one line', async () => {
    expect(broker.said).toMatch(/\(topic roost-a%roost-bus\)/);
    await expect(open({ ROCKETMQ_NAMESPACE: 'roost-b' }, 'b0')).rejects.toThrow(/^ROCKETMQ_ENDPOINTS: the proxy at .* answers but gives no route to topic roost-b%roost-bus: create it/);
    await expect(open({}, 'plain')).rejects.toThrow(/gives no route to topic roost-bus:/);
    // Not an operator's mistake but an outage: waited out in the background.
    const absent = await open({ ROCKETMQ_ENDPOINTS: '127.0.0.1:1' }, 'absent');
    expect(absent.health().ok).toBe(false);
  }, 120_000);

  it("two namespaces on one proxy are two clusters: each hears its own broadcasts and routed messages, never the other's", async () => {
    // A namespace the proxy was never asked about: it keeps a missing route for a while.
    broker.createTopic('roost-c%roost-bus');
    const heard = new Map<string, string[]>();
    const join = async (label: string, ns: string, node: string) => {
      const bus = await open({ ROCKETMQ_NAMESPACE: ns }, node);
      heard.set(label, []);
      await bus.subscribe('c', (m) => heard.get(label)!.push(m));
      return bus;
    };
    // Node n0 in both clusters (the same consumer group name, too): a message routed to it stays in its own.
    const a0 = await join('a0', 'roost-a', 'n0');
    const b0 = await join('b0', 'roost-c', 'n0');
    await join('b1', 'roost-c', 'n1');
    await until('every bus healthy', () => buses.slice(-3).every((x) => x.health().ok), 60_000);
    // A consumer group just made may miss the first messages: probe until every bus hears its cluster.
    await until(
      'both clusters carrying messages',
      () => {
        void a0.publish('c', 'probe-a');
        void b0.publish('c', 'probe-b');
        return heard.get('a0')!.includes('probe-a') && heard.get('b0')!.includes('probe-b') && heard.get('b1')!.includes('probe-b');
      },
      60_000,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    for (const h of heard.values()) h.length = 0;
    for (let i = 0; i < 5; i++) {
      expect(await a0.publish('c', `a${i}`)).toBe(true);
      expect(await b0.publish('c', `b${i}`)).toBe(true);
    }
    expect(await b0.publishTo('n0', 'c', 'b-to-n0')).toBe(true);
    expect(await a0.publishTo('n1', 'c', 'a-to-n1')).toBe(true); // n1 is not in cluster a: nobody
    const count = () => [...heard.values()].reduce((n, h) => n + h.length, 0);
    await until('every message', () => count() >= 5 + 5 + 5 + 1, 30_000);
    await new Promise((r) => setTimeout(r, 1_500)); // anything crossing over would have come by now
    const got = (label: string) => heard.get(label)!.filter((m) => !m.startsWith('probe')).sort();
    expect(got('a0')).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
    expect(got('b0')).toEqual(['b-to-n0', 'b0', 'b1', 'b2', 'b3', 'b4']);
    expect(got('b1')).toEqual(['b0', 'b1', 'b2', 'b3', 'b4']);
  }, 180_000);
});
