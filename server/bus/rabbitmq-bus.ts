import { Connection, type AsyncMessage, type Consumer, type Publisher } from 'rabbitmq-client';
import { log } from '../log';
import type { Bus, BusHandler } from './bus';
import { ChannelHandlers } from './channel-handlers';

/** Every node's queue is bound here: what is published to it reaches every node (the fanout pub/sub design). */
const ALL = 'roost.all';
/** Bound with each node's id as the routing key: a message for one node reaches only its queue. */
const ONE = 'roost.node';
/**
 * A node's queue outlives a short loss of its connection (it is there, with what arrived
 * meanwhile, when the node reconnects) and is deleted by the broker once it has had no
 * consumer this long: a node gone for good leaves nothing behind.
 */
const QUEUE_EXPIRES_MS = 60_000;
/**
 * Most messages a node's queue holds for a node that does not read them (stopped, or
 * paused); the oldest go first. Each is a doorbell, so the newest says all of them do.
 */
const QUEUE_MAX_LENGTH = 10_000;

function text(body: unknown): string {
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return JSON.stringify(body);
}

/**
 * RabbitMQ (AMQP_URL) through rabbitmq-client, which reconnects by itself and declares the
 * exchanges, the queue and its bindings again on every new connection. One queue per node
 * bound to a fanout exchange (every node hears every broadcast) and to a direct exchange
 * under the node's id (a message routed to one node). Publishes wait for the broker's
 * confirm; while the broker is away they fail at once rather than queue, since every
 * message here can be had again (bus.ts), and the reconnect handlers say from when.
 */
export class RabbitMqBus implements Bus {
  readonly doorbellGapMs = 0;
  readonly name = 'rabbitmq';
  private readonly connection: Connection;
  private readonly publisher: Publisher;
  private consumer: Consumer | null = null;
  private readonly handlers = new ChannelHandlers();
  private readonly reconnectHandlers: ((lostAt: number) => void)[] = [];
  private lostAt: number | null = null;
  private consuming = false;
  readonly queue: string;

  constructor(
    url: string,
    private readonly node: string,
  ) {
    this.queue = `roost.node.${node}`;
    this.connection = new Connection({ url, retryLow: 100, retryHigh: 2_000, connectionTimeout: 5_000, heartbeat: 10, connectionName: `roost ${node}` });
    this.connection.on('error', (err: Error) => {
      this.lost();
      log.debug({ err: err.message }, 'rabbitmq bus');
    });
    this.publisher = this.connection.createPublisher({
      confirm: true,
      maxAttempts: 1,
      exchanges: [
        { exchange: ALL, type: 'fanout', durable: true },
        { exchange: ONE, type: 'direct', durable: true },
      ],
    });
  }

  private lost(): void {
    this.consuming = false;
    if (this.lostAt === null) this.lostAt = Date.now();
  }

  /**
   * Starts consuming this node's queue. A broker that is not there yet is retried in the
   * background; until then publishes fail and the log polls carry the cluster.
   */
  async connect(): Promise<void> {
    const consumer = this.connection.createConsumer(
      {
        queue: this.queue,
        noAck: true,
        queueOptions: {
          durable: false,
          exclusive: false,
          autoDelete: false,
          arguments: { 'x-expires': QUEUE_EXPIRES_MS, 'x-max-length': QUEUE_MAX_LENGTH, 'x-overflow': 'drop-head' },
        },
        exchanges: [
          { exchange: ALL, type: 'fanout', durable: true },
          { exchange: ONE, type: 'direct', durable: true },
        ],
        queueBindings: [
          { exchange: ALL, queue: this.queue, routingKey: '' },
          { exchange: ONE, queue: this.queue, routingKey: this.node },
        ],
      },
      (msg: AsyncMessage) => {
        const channel = msg.type;
        if (!channel) return;
        this.handlers.deliver(channel, text(msg.body));
      },
    );
    this.consumer = consumer;
    consumer.on('error', (err: Error) => {
      this.lost();
      log.debug({ err: err.message }, 'rabbitmq consumer');
    });
    const ready = new Promise<void>((resolve) => consumer.once('ready', () => resolve()));
    consumer.on('ready', () => {
      this.consuming = true;
      const lostAt = this.lostAt;
      if (lostAt === null) return;
      this.lostAt = null;
      // Consuming again: nothing sent from here on is missed, so catch up now.
      log.info({ downMs: Date.now() - lostAt }, 'rabbitmq bus reconnected');
      for (const h of this.reconnectHandlers) h(lostAt);
    });
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000).unref());
    if ((await Promise.race([ready, timeout])) === 'timeout') {
      this.lost();
      log.warn('rabbitmq not reachable at start; retrying in the background');
    }
  }

  private async send(exchange: string, routingKey: string, channel: string, message: string): Promise<boolean> {
    if (!this.connection.ready) return false;
    try {
      await this.publisher.send({ exchange, routingKey, type: channel, contentType: 'text/plain' }, message);
      return true;
    } catch {
      return false;
    }
  }

  publish(channel: string, message: string): Promise<boolean> {
    return this.send(ALL, '', channel, message);
  }

  publishTo(node: string, channel: string, message: string): Promise<boolean> {
    return this.send(ONE, node, channel, message);
  }

  async subscribe(channel: string, handler: BusHandler): Promise<void> {
    this.handlers.add(channel, handler);
  }

  onReconnect(handler: (lostAt: number) => void): void {
    this.reconnectHandlers.push(handler);
  }

  health() {
    const ok = this.connection.ready && this.consuming;
    return { ok, detail: `rabbitmq ${ok ? 'connected' : this.connection.ready ? 'connected, not consuming' : 'disconnected'}` };
  }

  async close(): Promise<void> {
    await this.consumer?.close().catch(() => undefined);
    await this.publisher.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
