import { RabbitMqNode, rabbitMqMissing } from './rabbitmq-node';
import { RedisServer } from './redis-server';
import { RocketMqNode, rocketMqMissing } from './rocketmq-node';

export type BusKind = 'redis' | 'rabbitmq' | 'rocketmq';
export const BUS_KINDS: BusKind[] = ['redis', 'rabbitmq', 'rocketmq'];

/** A real broker of our own that a fault test can crash and bring back. */
export interface Broker {
  kind: BusKind;
  /** The environment that puts a Roost node on this broker. */
  env: Record<string, string>;
  /** The broker's processes (for CPU accounting in benchmarks). */
  pids(): number[];
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Why this bus's broker cannot run here, or null (CI has all three). */
export function brokerMissing(kind: BusKind): string | null {
  return kind === 'rabbitmq' ? rabbitMqMissing() : kind === 'rocketmq' ? rocketMqMissing() : null;
}

export async function startBroker(kind: BusKind): Promise<Broker> {
  if (kind === 'redis') {
    const r = await RedisServer.start();
    return { kind, env: { REDIS_URL: r.url }, pids: () => [r.pid], kill: () => r.kill(), restart: () => r.restart(), stop: () => r.kill() };
  }
  if (kind === 'rabbitmq') {
    const r = await RabbitMqNode.start();
    return { kind, env: { AMQP_URL: r.url }, pids: () => r.pids(), kill: () => r.kill(), restart: () => r.restart(), stop: () => r.stop() };
  }
  const r = await RocketMqNode.start();
  return { kind, env: { ROCKETMQ_ENDPOINTS: r.endpoints }, pids: () => r.pids(), kill: () => r.kill(), restart: () => r.restart(), stop: () => r.stop() };
}
