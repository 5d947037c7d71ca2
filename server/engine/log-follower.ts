import type { ChangeEvent } from '../changes/change-event';
import { log } from '../log';
import type { ListingStore } from '../store/listing-store';

/** Changes read per slice while catching up, so a big import never stalls requests. */
const CATCH_UP_SLICE = 5_000;

/**
 * A node's place in the store's change log: reads the changes after its own cursor, in
 * sequence order, hands each to `apply` (the in-memory index, or nothing when the index is
 * shared) and then to every listener (live push, the matcher's kick). Every engine has one:
 * the log is the truth, a doorbell on the bus only makes the next read come sooner, and a
 * poll is the safety net, so a bus outage of any length costs latency, never a change.
 */
export class LogFollower {
  private seq: number;
  private timer: NodeJS.Timeout | null = null;
  /** The read being applied now; runs never overlap, so changes apply in sequence order. */
  private catching: Promise<void> | null = null;
  private closed = false;
  private readonly listeners: ((e: ChangeEvent) => void)[] = [];

  constructor(
    private readonly store: ListingStore,
    from: number,
    private readonly apply: (e: ChangeEvent) => void,
  ) {
    this.seq = from;
  }

  start(pollIntervalMs: number): void {
    this.timer = setInterval(() => this.readSoon(), pollIntervalMs);
    this.timer.unref();
  }

  /** The last change applied. */
  get appliedSeq(): number {
    return this.seq;
  }

  onChange(listener: (e: ChangeEvent) => void): void {
    this.listeners.push(listener);
  }

  /** A doorbell: another node committed `seq`; read now rather than at the next poll. */
  ring(seq: number): void {
    if (seq > this.seq) this.readSoon();
  }

  private warnedAt = 0;

  /**
   * Reads the log without a caller to tell: a failure (the store away) is said, once every
   * 10 s rather than at every poll, and the next poll or doorbell tries again.
   */
  private readSoon(): void {
    this.catchUp().catch((err: unknown) => {
      if (Date.now() - this.warnedAt < 10_000) return;
      this.warnedAt = Date.now();
      log.warn({ err: (err as Error).message }, 'change log unreadable; retrying');
    });
  }

  /**
   * A change this node just committed: applied as it came back from the commit when it is
   * the very next one (a read of the log saved per write), else the log is read up to it.
   * Either way it has been applied when this resolves.
   */
  async offer(e: ChangeEvent): Promise<void> {
    if (this.catching === null && !this.closed && e.seq === this.seq + 1) {
      this.deliver(e);
      return;
    }
    await this.catchUp(true);
  }

  /**
   * Applies committed changes not seen yet. In the background a slice at a time, yielding
   * between slices; `untilCurrent` applies everything there is (after this process's own
   * write, which must be visible when it answers). A caller that finds a run going waits
   * for it, then runs its own.
   */
  async catchUp(untilCurrent = false): Promise<void> {
    while (this.catching) {
      if (!untilCurrent) return;
      await this.catching.catch(() => undefined);
    }
    if (this.closed) return;
    const run = this.read(untilCurrent);
    this.catching = run;
    try {
      await run;
    } finally {
      if (this.catching === run) this.catching = null;
    }
  }

  private async read(untilCurrent: boolean): Promise<void> {
    let more: boolean;
    do {
      const changes = await this.store.changesAfter(this.seq, CATCH_UP_SLICE);
      for (const c of changes) this.deliver(c);
      more = changes.length === CATCH_UP_SLICE;
      if (more && !untilCurrent) setImmediate(() => this.readSoon());
    } while (more && untilCurrent);
  }

  private deliver(c: ChangeEvent): void {
    this.apply(c);
    this.seq = c.seq;
    for (const listener of this.listeners) {
      try {
        listener(c);
      } catch (err) {
        log.error({ err, seq: c.seq }, 'change listener failed');
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.catching?.catch(() => undefined);
  }
}
