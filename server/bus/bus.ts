/**
 * How nodes of a cluster tell each other things: in-process when REDIS_URL is unset,
 * Redis pub/sub when it is set. Pub/sub is at-most-once — a node that is disconnected
 * misses messages — so nothing is sent on a bus that cannot be had again: messages are
 * doorbells and deliveries whose truth lives in the change log and inboxes, or a cluster
 * engine's change notices, which their sender keeps a while to send again (ChangeFeed).
 */
export type BusHandler = (message: string) => void;

export interface Bus {
  readonly name: string;
  /** Sends to every subscriber of the channel on every node; false when it could not be sent now. */
  publish(channel: string, message: string): Promise<boolean>;
  subscribe(channel: string, handler: BusHandler): Promise<void>;
  /**
   * Called each time the bus comes back after losing its connection (to catch up), with
   * when it was lost (epoch ms): what was sent from then on may not have arrived.
   */
  onReconnect(handler: (lostAt: number) => void): void;
  health(): { ok: boolean; detail: string };
  close(): Promise<void>;
}
