import net from 'node:net';
import { ConsumeResult, FilterExpression, Producer, PushConsumer, type MessageView } from 'rocketmq-client-nodejs';
import { log } from '../log';
import type { Bus, BusHandler } from './bus';
import { ChannelHandlers } from './channel-handlers';
import { inNamespace, ROCKETMQ_TOPIC } from './rocketmq-topic';

const ALL_TAG = 'all';
const nodeTag = (node: string) => `node-${node}`;
/** The message property that names the bus channel (one topic carries them all). */
const CHANNEL = 'channel';
/** A message this node sends itself every PING_MS: heard back, the round trip is up (each costs the proxy CPU, so not oftener). */
const PING_CHANNEL = 'roost:ping';
const PING_MS = 2_000;
/** No ping of its own heard back for this long: the bus is down (publishes may still pass). */
const LOST_AFTER_MS = 6_500;
/**
 * A consumer group that is new (or comes back after a while) starts from the topic's
 * stored offset and may be handed history; doorbells older than this are dropped unread —
 * the node read the log when it started, and a late doorbell says nothing the log polls
 * have not.
 */
const STALE_MS = 30_000;
const CLOSE_MS = 2_000;

/** Whether the first of `endpoints` (`host:port;…`) accepts a TCP connection within 2 s. */
function answers(endpoints: string): Promise<boolean> {
  const [host, port] = endpoints.split(';')[0]!.trim().split(':');
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port), timeout: 2_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

export interface RocketMqBusOptions {
  endpoints: string;
  /** Wraps the topic and the group (`ns%name`): empty, none. */
  namespace: string;
  node: string;
  /** This node's consumer group: one per node, so every node gets every message (broadcast on the 5.x gRPC client). */
  group: string;
}

/** The client's logger, sent to ours (its default writes files under $HOME/logs). */
const clientLogger = {
  info: () => undefined,
  debug: () => undefined,
  warn: (...args: unknown[]) => log.debug({ rocketmq: args.map(String).join(' ') }, 'rocketmq client'),
  error: (...args: unknown[]) => log.debug({ rocketmq: args.map(String).join(' ') }, 'rocketmq client'),
};

/**
 * RocketMQ 5 (ROCKETMQ_ENDPOINTS) through Apache's gRPC client: one topic, one consumer
 * group per node subscribed to the tags `all` (every node) and `node-<id>` (this node: a
 * message routed to it is filtered out by the broker for every other group). The topic is
 * made by Roost's tooling (`npm run rocketmq`), never assumed: missing, start fails with
 * one line. The client says nothing of its connection, so each node pings itself through
 * the broker every second: its own ping heard back is health, and the first one heard after
 * a silence is the reconnect that starts a catch-up from the log. Repeats (a restarted
 * proxy redelivers from the group's last committed offset) are doorbells: the log follower
 * drops what it has by sequence.
 */
export class RocketMqBus implements Bus {
  readonly name = 'rocketmq';
  /**
   * Four doorbells a node a second at most. Measured here (test-free probe, 3 groups):
   * the proxy in local mode takes 0.12 of a core with no client, 0.24 with three idle
   * consumers and 0.53 at 10 messages a second; at one doorbell per write (100/s) the
   * nodes fell 20 s behind, starved of cores. The log poll every 100 ms bounds what
   * waiting for the next doorbell costs.
   */
  readonly doorbellGapMs = 250;
  private readonly producer: Producer;
  private readonly consumer: PushConsumer;
  private readonly handlers = new ChannelHandlers();
  private readonly reconnectHandlers: ((lostAt: number) => void)[] = [];
  private readonly startedAt = Date.now();
  /** Counted from the start: up until a ping is missed. */
  private lastPingHeard = this.startedAt;
  private lostAt: number | null = null;
  private ping: NodeJS.Timeout | null = null;
  private started = { producer: false, consumer: false };
  private closed = false;
  private readonly topic: string;

  constructor(private readonly options: RocketMqBusOptions) {
    this.topic = inNamespace(options.namespace, ROCKETMQ_TOPIC);
    // The namespace is in the names (inNamespace says why), not in the client's option.
    const base = { endpoints: options.endpoints, namespace: '', logger: clientLogger, requestTimeout: 3_000 };
    this.producer = new Producer({ ...base, topic: this.topic, maxAttempts: 1 });
    this.consumer = new PushConsumer({
      ...base,
      consumerGroup: inNamespace(options.namespace, options.group),
      subscriptions: new Map([[this.topic, new FilterExpression(`${ALL_TAG} || ${nodeTag(options.node)}`)]]),
      longPollingTimeout: 10_000,
      messageListener: { consume: (m: MessageView) => this.received(m) },
    });
  }

  private received(m: MessageView): ConsumeResult {
    const channel = m.properties.get(CHANNEL);
    if (!channel) return ConsumeResult.SUCCESS;
    if (channel === PING_CHANNEL) {
      this.heardPing();
      return ConsumeResult.SUCCESS;
    }
    const born = m.bornTimestamp?.getTime() ?? Date.now();
    if (born < this.startedAt - STALE_MS) return ConsumeResult.SUCCESS;
    this.handlers.deliver(channel, m.body.toString('utf8'));
    return ConsumeResult.SUCCESS;
  }

  private heardPing(): void {
    this.lastPingHeard = Date.now();
    const lostAt = this.lostAt;
    if (lostAt === null) return;
    this.lostAt = null;
    log.info({ downMs: Date.now() - lostAt }, 'rocketmq bus reconnected');
    for (const h of this.reconnectHandlers) h(lostAt);
  }

  private checkPing(): void {
    if (this.lostAt === null && Date.now() - this.lastPingHeard > LOST_AFTER_MS) {
      // Lost from the last ping heard: anything sent since may not have arrived.
      this.lostAt = this.lastPingHeard;
      log.warn('rocketmq bus: no ping heard back; catching up from the log when it returns');
    }
    void this.publishTo(this.options.node, PING_CHANNEL, '1');
  }

  /**
   * Starts the producer and this node's consumer. A topic that does not exist is an error
   * (the operator must make it); a proxy that does not answer is retried in the background.
   */
  async connect(): Promise<void> {
    try {
      await this.startClients();
    } catch (err) {
      // The client fails alike ("Failed to fetch topic routes") for a missing topic and
      // for a proxy that is not there; only the second is an outage to wait out.
      if (await answers(this.options.endpoints)) {
        throw new Error(
          `ROCKETMQ_ENDPOINTS: the proxy at ${this.options.endpoints} answers but gives no route to topic ${this.topic}: create it (npm run rocketmq does; or mqadmin updateTopic -t '${this.topic}'), or check the proxy's NameServer`,
        );
      }
      log.warn({ err: (err as Error).message }, 'rocketmq not reachable at start; retrying in the background');
      this.lostAt = this.startedAt;
      void this.retryStart();
    }
    this.ping = setInterval(() => this.checkPing(), PING_MS);
    this.ping.unref();
    this.checkPing();
  }

  private async startClients(): Promise<void> {
    if (!this.started.producer) {
      await this.producer.startup();
      this.started.producer = true;
    }
    if (!this.started.consumer) {
      await this.consumer.startup();
      this.started.consumer = true;
    }
  }

  private async retryStart(): Promise<void> {
    while (!this.closed && !(this.started.producer && this.started.consumer)) {
      await new Promise((r) => setTimeout(r, 2_000));
      await this.startClients().catch((err: Error) => log.debug({ err: err.message }, 'rocketmq still not reachable; retrying'));
    }
  }

  private async send(tag: string, channel: string, message: string): Promise<boolean> {
    if (!this.started.producer) return false;
    try {
      await this.producer.send({ topic: this.topic, tag, body: Buffer.from(message), properties: new Map([[CHANNEL, channel]]) });
      return true;
    } catch {
      return false;
    }
  }

  publish(channel: string, message: string): Promise<boolean> {
    return this.send(ALL_TAG, channel, message);
  }

  publishTo(node: string, channel: string, message: string): Promise<boolean> {
    return this.send(nodeTag(node), channel, message);
  }

  async subscribe(channel: string, handler: BusHandler): Promise<void> {
    this.handlers.add(channel, handler);
  }

  onReconnect(handler: (lostAt: number) => void): void {
    this.reconnectHandlers.push(handler);
  }

  health() {
    const ok = this.lostAt === null && this.started.consumer;
    return { ok, detail: `rocketmq ${ok ? 'connected' : this.started.consumer ? 'no ping heard back' : 'not started'}` };
  }

  /**
   * Shuts the clients down, waiting at most CLOSE_MS: the consumer's shutdown waits out its
   * long polls (about 40 s measured here), longer than a node may take to drain.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.ping) clearInterval(this.ping);
    const shutdown = Promise.all([
      this.started.consumer ? this.consumer.shutdown().catch(() => undefined) : undefined,
      this.started.producer ? this.producer.shutdown().catch(() => undefined) : undefined,
    ]);
    await Promise.race([shutdown, new Promise((r) => setTimeout(r, CLOSE_MS).unref())]);
  }
}
