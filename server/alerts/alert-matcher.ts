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
 * How long a kick waits for more changes to join its batch. Each run costs five round
 * trips (the log, the areas, and the commit's BEGIN, UPDATE, COMMIT) whatever its size: at
 * hundreds of writes a second, one run per change spent more of the database than the
 * writes did. 10 ms on an alert is far inside its 200 ms target.
 */
const GATHER_MS = 10;

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
    /** The store's change log. */
    private readonly log: { changesAfter(seq: number, limit: number): Promise<ChangeEvent[]>; lastSeq(): Promise<number> },
    private readonly node: string,
    /** Told of the alerts each committed batch wrote, and whose they are (to ring the delivery doorbell where they are held). */
    private readonly onAlerts: (ids: number[], sessions: string[]) => void,
    /** Told how long each change of a committed batch waited, from its commit to its alerts' (for /metrics). */
    private readonly onMatched: (waitedMs: number) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    // Fixed before this node accepts a write: a write that came first would otherwise be
    // behind the cursor when it is set, and never matched.
    await this.store.initCursor(await this.log.lastSeq());
    this.timer = setInterval(() => this.kick(), TICK_MS);
    this.timer.unref();
  }

  private gathering: NodeJS.Timeout | null = null;

  /** Something may be waiting: match within GATHER_MS rather than at the next tick. */
  kick(): void {
    if (this.gathering || this.stopped) return;
    this.gathering = setTimeout(() => {
      this.gathering = null;
      this.runNow();
    }, GATHER_MS);
  }

  private runNow(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.current = this.run();
    void this.current
      .catch((err: unknown) => logger.error({ err }, 'alert matching failed; retrying'))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.runNow();
        }
      });
  }

  /** This node holds the lease as of `claimedAt` (its own clock), at `cursor`. */
  private holding = false;
  private claimedAt = 0;
  private stopped = false;
  private current: Promise<void> | null = null;
  /**
   * When this node last found the lease held by another. A kick says there is work, which
   * only the holder may do; whether the lease has lapsed is a matter of time, which the
   * tick checks. Without this, every doorbell on every other node asked the database
   * (65 claims a second per node at 100 writes/s, where ten do).
   */
  private refusedAt = -Infinity;

  /**
   * One claim per half lease, not one per batch: while this node holds the lease nobody
   * else can move the cursor (every commit is fenced on holder and cursor), so it keeps
   * its own copy and re-reads it only when it (re)takes the lease. A commit refused
   * (the lease moved on while this node was paused) drops the copy.
   */
  private async run(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const log = this.log;
      if (!this.holding || Date.now() - this.claimedAt > LEASE_MS / 2) {
        if (!this.holding && Date.now() - this.refusedAt < TICK_MS / 2) return;
        const claimed = Date.now();
        // A new cluster starts matching from now, not from the first change ever logged.
        if (!(await this.store.claim(this.node, LEASE_MS, () => log.lastSeq()))) {
          this.holding = false;
          this.refusedAt = Date.now();
          return;
        }
        if (!this.holding) this.cursor = await this.store.matcherCursor();
        this.holding = true;
        this.claimedAt = claimed;
      }
      const from = this.cursor;
      const events = await log.changesAfter(from, BATCH);
      if (events.length === 0) return;
      const alerts = await this.matchAll(events);
      const to = events[events.length - 1]!.seq;
      const committing = Date.now();
      const ids = await this.store.commitBatch(this.node, from, to, LEASE_MS, alerts);
      if (ids === null) {
        this.holding = false; // the lease moved on: the new holder does this batch
        return;
      }
      this.cursor = to;
      this.claimedAt = committing; // the commit renewed the lease
      const now = Date.now();
      for (const e of events) this.onMatched(now - e.at);
      if (ids.length > 0) this.onAlerts(ids, [...new Set(alerts.map((a) => a.session))]);
      if (events.length < BATCH) return;
    }
  }

  /**
   * A batch of changes against the saved searches: one percolation of every state (the
   * searches read once, after the changes were, so a search saved before a change
   * committed is seen; one saved after it is skipped by its `since`) and one read of the
   * owners.
   */
  private async matchAll(events: ChangeEvent[]): Promise<NewAlert[]> {
    const states = events.flatMap((e) => [e.before, e.after].filter((s) => s !== null));
    const matched = await this.engine.percolate(states);
    const sets: { before: Set<string>; after: Set<string> }[] = [];
    let k = 0;
    for (const e of events) {
      const before = new Set(e.before ? matched[k++] : []);
      const after = new Set(e.after ? matched[k++] : []);
      sets.push({ before, after });
    }
    const owners = await this.store.owners([...new Set(sets.flatMap(({ before, after }) => [...before, ...after]))]);
    const out: NewAlert[] = [];
    events.forEach((e, i) => {
      const { before, after } = sets[i]!;
      for (const searchId of new Set([...before, ...after])) {
        const owner = owners.get(searchId);
        if (!owner || owner.paused || e.seq <= owner.since) continue;
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
    });
    return out;
  }

  /** Stops matching: the batch in hand finishes (or fails) before the lease is handed back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.gathering) clearTimeout(this.gathering);
    await this.current?.catch(() => undefined);
    await this.store.release(this.node).catch(() => undefined);
  }
}
