import { Redis } from 'ioredis';
import type { Bus, BusHandler } from './bus';
import { ChannelHandlers } from './channel-handlers';
import { log } from '../log';
import { redisRetry } from '../redis-client';

/** The Redis channel a node's own messages on `channel` travel on. */
const directed = (channel: string, node: string) => `${channel}>${node}`;

/**
 * Redis pub/sub through ioredis: one connection publishes, one subscribes (a subscribed
 * connection can do nothing else). A message for one node goes on a channel of its own
 * (`channel>node`), which only that node subscribes. Both reconnect by themselves and the subscriber
 * resubscribes; publishing while Redis is away fails at once instead of queueing, since
 * every message here can be had again (bus.ts), and the reconnect handlers say from when.
 */
export class RedisBus implements Bus {
  readonly doorbellGapMs = 0;
  readonly name = 'redis';
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new ChannelHandlers();
  /** This node's directed channels, each to the channel its handlers listen on. */
  private readonly own = new Map<string, string>();
  private readonly reconnectHandlers: ((lostAt: number) => void)[] = [];
  /** When either connection was lost, until both are back. */
  private lostAt: number | null = null;
  /** A connection closing before connect() is not a loss. */
  private started = false;
  /** Both connections have been ready at once (so the channels were subscribed). */
  private everReady = false;

  constructor(
    url: string,
    private readonly node: string,
  ) {
    const options = {
      retryStrategy: redisRetry,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: true,
    };
    this.pub = new Redis(url, options);
    // The subscriber keeps its commands for the reconnect. It does not resubscribe by
    // itself: cameBack does, and waits for Redis to confirm before the catch-up.
    this.sub = new Redis(url, { ...options, enableOfflineQueue: true, maxRetriesPerRequest: null, autoResubscribe: false });
    for (const conn of [this.pub, this.sub]) conn.on('error', (err: Error) => log.debug({ err: err.message }, 'redis bus'));
    this.sub.on('message', (channel: string, message: string) => {
      this.handlers.deliver(this.own.get(channel) ?? channel, message);
    });
    for (const conn of [this.pub, this.sub]) {
      conn.on('close', () => {
        if (this.lostAt === null && this.started) this.lostAt = Date.now();
      });
      conn.on('ready', () => void this.cameBack());
    }
  }

  /**
   * Both connections are up again after a loss: the subscriptions are made again, and
   * once Redis has confirmed them the handlers catch up (nothing sent to the channels
   * from then on can be missed).
   */
  private async cameBack(): Promise<void> {
    if (this.pub.status !== 'ready' || this.sub.status !== 'ready') return;
    const lostAt = this.lostAt;
    // Ready for the first time after a start into an outage: nothing is subscribed yet.
    if (lostAt === null && this.everReady) return;
    this.everReady = true;
    this.lostAt = null;
    const channels = [...this.handlers.channels(), ...this.own.keys()];
    if (channels.length > 0) {
      // Refused if Redis went away again at once: the next 'ready' subscribes them again.
      await this.sub.subscribe(...channels).catch((err: Error) => log.warn({ err: err.message }, 'redis resubscribe failed; trying again on reconnect'));
    }
    if (lostAt === null) return;
    log.info({ downMs: Date.now() - lostAt }, 'redis bus reconnected');
    for (const h of this.reconnectHandlers) h(lostAt);
  }

  /** Connects both; a Redis that is not there yet is retried in the background. */
  async connect(): Promise<void> {
    this.started = true;
    await Promise.all([this.pub.connect(), this.sub.connect()]).catch((err: Error) =>
      log.warn({ err: err.message }, 'redis not reachable at start; retrying in the background'),
    );
  }

  async publish(channel: string, message: string): Promise<boolean> {
    try {
      await this.pub.publish(channel, message);
      return true;
    } catch {
      return false;
    }
  }

  publishTo(node: string, channel: string, message: string): Promise<boolean> {
    return this.publish(directed(channel, node), message);
  }

  async subscribe(channel: string, handler: BusHandler): Promise<void> {
    if (!this.handlers.add(channel, handler)) return;
    this.own.set(directed(channel, this.node), channel);
    // While Redis is away (a node started into an outage) the command would wait in the
    // subscriber's queue and hold up the caller's start: cameBack() subscribes every
    // channel when the connection is ready, and the log polls cover the gap meanwhile.
    if (this.sub.status !== 'ready') return;
    // Refused if Redis goes away meanwhile: said, not swallowed; the same cameBack() covers it.
    await this.sub
      .subscribe(channel, directed(channel, this.node))
      .catch((err: Error) => log.warn({ err: err.message, channel }, 'redis subscribe failed; resubscribing on reconnect'));
  }

  onReconnect(handler: (lostAt: number) => void): void {
    this.reconnectHandlers.push(handler);
  }

  health() {
    const ok = this.pub.status === 'ready' && this.sub.status === 'ready';
    return { ok, detail: `redis ${ok ? 'connected' : `${this.pub.status}/${this.sub.status}`}` };
  }

  async close(): Promise<void> {
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
