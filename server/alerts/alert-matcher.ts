import type { ChangeEvent } from '../changes/change-event';
import { log as logger } from '../log';
import type { SearchEngine } from '../engine/search-engine';
import type { AlertReason, AlertStore, NewAlert } from './alert-store';

/** Changes matched per batch: one transaction each. */
const BATCH = 200;
/**
 * How long a claim on the matching holds without renewal. A node that dies mid-batch
 * stops renewing; another takes over from the cursor after this long.
 */
export const LEASE_MS = 2_000;
/** How often a node checks whether there is matching to do or a lease to take over. */
const TICK_MS = 100;

/**
 * What a change means to a saved search: the listing arrived in it (new, moved in, now
 * within the filters), got cheaper while in it, or left it (removed, moved out, no longer
 * within the filters).
 */
export function alertReason(before: boolean, after: boolean, e: ChangeEvent): AlertReason | null {
  if (after && !before) return 'new';
  if (before && !after) return 'removed';
  if (before && after && e.before && e.after && e.after.price < e.before.price) return 'price_drop';
  return null;
}

/**
 * Matches the change log against saved searches once for the whole cluster: the node
 * holding the lease reads the changes after the shared cursor, percolates each (before
 * and after), and writes the alerts and the new cursor in one transaction. A node that
 * dies mid-batch commits nothing; the next holder redoes the batch from the cursor, and
 * alerts keyed by (change, search) cannot be written twice.
 */
export class AlertMatcher {
  private timer: NodeJS.Timeout | null = null;
  /** The cursor as this node last read or moved it (for /metrics: the log not yet matched). */
  cursor = 0;
  private running = false;
  private again = false;

  constructor(
    private readonly store: AlertStore,
    private readonly engine: SearchEngine,
    /** The shared change log, when the engine has one. */
    private readonly log: { changesAfter(seq: number, limit: number): Promise<ChangeEvent[]>; lastSeq(): Promise<number> } | null,
    private readonly node: string,
    /** Told of the alerts each committed batch wrote (to ring the delivery doorbell). */
    private readonly onAlerts: (ids: number[]) => void,
  ) {}

  async start(): Promise<void> {
    // Fixed before this node accepts a write: a write that came first would otherwise be
    // behind the cursor when it is set, and never matched.
    if (this.log) this.store.initCursor(await this.log.lastSeq());
    this.timer = setInterval(() => this.kick(), TICK_MS);
    this.timer.unref();
  }

  /** Something may be waiting: match now rather than at the next tick. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.run()
      .catch((err: unknown) => logger.error({ err }, 'alert matching failed; retrying'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async run(): Promise<void> {
    // A new cluster starts matching from now, not from the first change ever logged.
    for (;;) {
      if (!this.log) return;
      const log = this.log;
      const latest = await log.lastSeq();
      if (!(await this.store.claim(this.node, LEASE_MS, latest))) return;
      const from = await this.store.matcherCursor();
      this.cursor = from;
      const events = await log.changesAfter(from, BATCH);
      if (events.length === 0) return;
      const alerts: NewAlert[] = [];
      for (const e of events) alerts.push(...(await this.match(e)));
      const ids = await this.store.commitBatch(this.node, from, events[events.length - 1]!.seq, LEASE_MS, alerts);
      if (ids === null) return; // the lease moved on: the new holder does this batch
      this.cursor = events[events.length - 1]!.seq;
      if (ids.length > 0) this.onAlerts(ids);
      if (events.length < BATCH) return;
    }
  }

  /**
   * This node committed a change. With a shared log the lease holder will match it; with
   * none (a cluster engine) the writing node matches its own change now.
   */
  committed(e: ChangeEvent): void {
    if (this.log) return;
    void this.match(e)
      .then(async (alerts) => {
        const ids = await this.store.insertAlerts(alerts);
        if (ids.length > 0) this.onAlerts(ids);
      })
      .catch((err: unknown) => logger.error({ err, listing: e.listingId }, 'alert matching failed'));
  }

  private async match(e: ChangeEvent): Promise<NewAlert[]> {
    const states = [e.before, e.after].filter((s) => s !== null);
    const matched = await this.engine.percolate(states);
    const before = new Set(e.before ? matched[0] : []);
    const after = new Set(e.after ? matched[e.before ? 1 : 0] : []);
    const owners = await this.store.owners([...new Set([...before, ...after])]);
    const out: NewAlert[] = [];
    for (const [searchId, owner] of owners) {
      if (owner.paused) continue;
      const reason = alertReason(before.has(searchId), after.has(searchId), e);
      if (!reason || !owner.notify.includes(reason)) continue;
      out.push({
        seq: e.seq,
        session: owner.session,
        searchId,
        reason,
        listing: (reason === 'removed' ? e.before : e.after)!,
        ...(reason === 'price_drop' ? { previousPrice: e.before!.price } : {}),
      });
    }
    return out;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.store.release(this.node).catch(() => undefined);
  }
}
