/**
 * How nodes of a cluster tell each other things: in-process when no bus is configured,
 * else Redis pub/sub (REDIS_URL), RabbitMQ (AMQP_URL) or RocketMQ (ROCKETMQ_ENDPOINTS).
 * Every one of them may drop a message — a node that is disconnected, restarted or slow
 * misses what was sent meanwhile — so nothing is sent on a bus that cannot be had again:
 * messages are doorbells ("the change log has grown to seq N", "there are alerts for a
 * renter you hold") whose truth lives in the store. Sequence numbers, gaps, repeats and
 * catch-up are the log follower's business (server/engine/log-follower.ts), once for
 * every bus; a transport only moves strings.
 */
export type BusHandler = (message: string) => void;

export interface Bus {
  readonly name: string;
  /**
   * The least time between two change doorbells one node sends: 0 where a message is
   * cheap; more where the broker's cost per message would eat the cores the nodes need
   * (the log poll, every 100 ms, carries what a doorbell not sent would have said).
   */
  readonly doorbellGapMs: number;
  /** Sends to every subscriber of the channel on every node; false when it could not be sent now. */
  publish(channel: string, message: string): Promise<boolean>;
  /** Sends to the subscribers of the channel on one node only (routed delivery); false when it could not be sent now. */
  publishTo(node: string, channel: string, message: string): Promise<boolean>;
  /** Hears the channel's messages sent to every node and those sent to this node. */
  subscribe(channel: string, handler: BusHandler): Promise<void>;
  /**
   * Called each time the bus comes back after losing its connection (to catch up), with
   * when it was lost (epoch ms): what was sent from then on may not have arrived.
   */
  onReconnect(handler: (lostAt: number) => void): void;
  health(): { ok: boolean; detail: string };
  close(): Promise<void>;
}
