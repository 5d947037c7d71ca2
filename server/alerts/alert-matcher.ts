import type { ChangeEvent } from '../changes/change-event';
import { log as logger } from '../log';
import type { SearchEngine } from '../engine/search-engine';
import { FAVOURITE_SOURCE, type AlertReason, type AlertStore, type NewAlert } from './alert-store';
import type { AlertChannel, EmailFrequency } from '../contract/alert-channels';
import { DEFAULT_TIMING, outboxIntents, type OutboxTiming } from './outbox-intents';

/** Changes matched per batch at most: one transaction each. */
const BATCH = 200;
/**
 * Alert rows a batch aims at. A change can alert hundreds of owners (a million saved
 * searches: ~475 a change), so 200 changes could be ~95,000 rows in one transaction —
 * seconds of matching and committing, past the lease (a fenced commit is refused and the
 * batch redone) and past every alert's target. The next batch takes as many changes as the
 * last one's alerts a change say fit.
 */
export const ALERTS_PER_BATCH = 5_000;

/** Changes for the next batch, from the alerts a change the last batch made. */
export function nextBatchSize(alerts: number, changes: number): number {
  if (changes === 0 || alerts === 0) return BATCH;
  return Math.max(1, Math.min(BATCH, Math.floor((ALERTS_PER_BATCH * changes) / alerts)));
}
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

/** What a favourite hears of: its own home got cheaper, or was taken down. Nothing else. */
export function favouriteAlertReason(e: ChangeEvent): AlertReason | null {
  if (e.op === 'remove' && e.before) return 'removed';
  if (e.before && e.after && e.after.price < e.before.price) return 'price_drop';
  return null;
}

interface Candidate {
  source: string;
  reason: AlertReason;
  channels?: AlertChannel[];
  frequency?: EmailFrequency;
}

const REASON_RANK: Record<AlertReason, number> = { price_drop: 0, new: 1, removed: 2 };

/**
 * The one alert an owner gets for a change that touched several of their searches and
 * favourites: the favourite's when they keep the home (it is about that home), else the
 * most telling reason (a drop says more than "new", which says more than "gone"), ties to
 * the first search id. The same inputs pick the same alert, so a redone batch agrees.
 */
export function pickAlert<C extends Candidate>(list: C[]): C {
  return list.reduce((best, c) => {
    if ((c.source === FAVOURITE_SOURCE) !== (best.source === FAVOURITE_SOURCE)) return c.source === FAVOURITE_SOURCE ? c : best;
    const byReason = REASON_RANK[c.reason] - REASON_RANK[best.reason];
    if (byReason !== 0) return byReason < 0 ? c : best;
    return c.source < best.source ? c : best;
  });
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
    /** When the mail and push rows written with the alerts may go. */
    private readonly timing: OutboxTiming = DEFAULT_TIMING,
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
  /** Changes the next batch asks for (nextBatchSize). */
  private batchSize = BATCH;
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
      const asked = this.batchSize;
      const events = await log.changesAfter(from, asked);
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
      this.batchSize = nextBatchSize(alerts.length, events.length);
      if (events.length < asked) return;
    }
  }

  /**
   * A batch of changes against the saved searches and favourites: one percolation of every
   * state (the searches read once, after the changes were, so a search saved before a
   * change committed is seen; one saved after it is skipped by its `since`), one read of
   * the searches' owners and one of the homes' favourites. Each owner hears of a home's
   * change once (pickAlert), however many of their searches and favourites it touched.
   */
  private async matchAll(events: ChangeEvent[]): Promise<NewAlert[]> {
    const states = events.flatMap((e) => [e.before, e.after].filter((s) => s !== null));
    const [matched, kept] = await Promise.all([this.engine.percolate(states), this.store.favouritesOn([...new Set(events.map((e) => e.listingId))])]);
    const sets: { before: Set<string>; after: Set<string> }[] = [];
    let k = 0;
    for (const e of events) {
      const before = new Set(e.before ? matched[k++] : []);
      const after = new Set(e.after ? matched[k++] : []);
      sets.push({ before, after });
    }
    const owners = await this.store.owners([...new Set(sets.flatMap(({ before, after }) => [...before, ...after]))]);
    const keptBy = new Map<string, { owner: string; since: number; channels: AlertChannel[]; frequency: EmailFrequency }[]>();
    for (const f of kept) {
      const list = keptBy.get(f.listingId);
      if (list) list.push(f);
      else keptBy.set(f.listingId, [f]);
    }
    const out: NewAlert[] = [];
    const now = Date.now();
    events.forEach((e, i) => {
      const { before, after } = sets[i]!;
      const candidates = new Map<string, Candidate[]>();
      const add = (owner: string, c: Candidate) => {
        const list = candidates.get(owner);
        if (list) list.push(c);
        else candidates.set(owner, [c]);
      };
      for (const searchId of new Set([...before, ...after])) {
        const owner = owners.get(searchId);
        if (!owner || owner.paused || e.seq <= owner.since) continue;
        const reason = alertReason(before.has(searchId), after.has(searchId), e);
        if (reason && owner.notify.includes(reason)) add(owner.session, { source: searchId, reason, channels: owner.channels, frequency: owner.frequency });
      }
      const favouriteReason = favouriteAlertReason(e);
      if (favouriteReason) {
        for (const f of keptBy.get(e.listingId) ?? []) {
          if (e.seq > f.since) add(f.owner, { source: FAVOURITE_SOURCE, reason: favouriteReason, channels: f.channels, frequency: f.frequency });
        }
      }
      for (const [owner, list] of candidates) {
        const { source, reason } = pickAlert(list);
        const outbox = outboxIntents(
          list.map((c) => ({ source: c.source, reason: c.reason, channels: c.channels ?? ['page'], frequency: c.frequency ?? 'instant' })),
          pickAlert,
          now,
          this.timing,
        );
        out.push({
          seq: e.seq,
          session: owner,
          searchId: source,
          reason,
          listing: (reason === 'removed' ? e.before : e.after)!,
          ...(reason === 'price_drop' ? { previousPrice: e.before!.price } : {}),
          ...(outbox.length > 0 ? { outbox } : {}),
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
