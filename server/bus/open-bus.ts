import os from 'node:os';
import type { Config } from '../config';
import type { Bus } from './bus';
import { MemoryBus } from './memory-bus';
import { RedisBus } from './redis-bus';

/** The bus the environment names (at most one: loadConfig refuses more), or the in-process one. */
export async function openBus(config: Config, node: string): Promise<Bus> {
  if (config.REDIS_URL) {
    const bus = new RedisBus(config.REDIS_URL, node);
    await bus.connect();
    return bus;
  }
  if (config.AMQP_URL) {
    // Loaded only when named: a node on another bus does not pay for the client at start.
    const { RabbitMqBus } = await import('./rabbitmq-bus');
    const bus = new RabbitMqBus(config.AMQP_URL, node);
    await bus.connect();
    return bus;
  }
  if (config.ROCKETMQ_ENDPOINTS) {
    const { RocketMqBus } = await import('./rocketmq-bus');
    const bus = new RocketMqBus({ endpoints: config.ROCKETMQ_ENDPOINTS, namespace: config.ROCKETMQ_NAMESPACE, node, group: rocketMqGroup(config, node) });
    await bus.connect();
    return bus;
  }
  return new MemoryBus(node);
}

/**
 * A node's RocketMQ consumer group: named for its host and port, so a node restarted in
 * its place takes its group back (and its offset) instead of leaving one more behind.
 * A node on port 0 (a test's) has no stable name: its id.
 */
function rocketMqGroup(config: Config, node: string): string {
  const host = os.hostname().replace(/[^A-Za-z0-9_-]/g, '_');
  return `roost-${host}-${config.PORT === 0 ? node : config.PORT}`;
}
