import type { ChangeEvent } from '../../changes/change-event';
import { log } from '../../log';
import type { ListingStore } from '../../store/listing-store';
import type { ClusterIndex } from './cluster-index';
import { fillFromSnapshot } from './snapshot-fill';

/** The store's lease naming the node that applies the log to the shared index. */
export const INDEX_LEASE = 'search-index';
/** Without renewal for this long, another node takes over from the index's cursor. */
const LEASE_MS = 5_000;
/** How often a node checks for changes to apply or a lease to take over. */
const TICK_MS = 200;
/** Changes per bulk request: one read of the log, one bulk, one cursor write. */
const BATCH = 5_000;
/** Listings per bulk request while an index is rebuilt from the store. */
const FILL_BATCH = 5_000;
const FILL_IN_FLIGHT = 2;
/**
 * A run of the applier that has applied this many changes is a catch-up (an import, a
 * node back from an outage): the index is refreshed before the cursor moves on, so a
 * cursor that says "caught up" (what /readyz trusts) means searchable, not only sent —
 * the run's last, short read included. Shorter runs, a steady stream of API writes, are
 * searchable within the index's 1 s refresh anyway.
 */
const REFRESH_BEFORE_CURSOR = 1_000;

export class IndexFollowsAnotherStore extends Error {}

/**
 * Applies the store's change log to a shared search index, one node at a time under the
 * store's lease (so three nodes do not triple the cluster's writes). Correctness does not
 * rest on the lease: every document is versioned by its change's sequence number, so a
 * batch applied twice — a holder that died after the bulk but before the cursor moved, a
 * paused holder waking after a takeover — changes nothing, and the cursor itself is
 * versioned the same way so it never moves back. An index with no cursor (new, or lost)
 * is cleared and rebuilt from a snapshot of the store, then follows the log after it.
 */
export class IndexApplier {
  private timer: NodeJS.Timeout | null = null;
  private holding = false;
  private claimedAt = 0;
  /** The index's cursor as this node holds it while it holds the lease; null: read it again. */
  private cursor: number | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Set while this node rebuilds the index: until it is done, no cursor tells what it holds. */
  private rebuilding = false;
  /** Changes applied by this node (for /metrics and the catch-up benchmark). */
  applied = 0;

  constructor(
    private readonly store: ListingStore,
    private readonly index: ClusterIndex,
    private readonly storeId: string,
    private readonly node: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.kick(), TICK_MS);
    this.timer.unref();
  }

  /** Something was committed: apply now rather than at the next tick. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((err: unknown) => {
        this.cursor = null;
        log.warn({ err: (err as Error).message }, 'search index not updated from the log; retrying');
      })
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  private async run(): Promise<void> {
    let applied = 0;
    for (;;) {
      if (this.stopped) return;
      if (!this.holding || Date.now() - this.claimedAt > LEASE_MS / 2) {
        const claimed = Date.now();
        if (!(await this.store.claimLease(INDEX_LEASE, this.node, LEASE_MS))) {
          this.holding = false;
          // The holder moves the cursor now: what this node last knew of it goes stale.
          this.cursor = null;
          return;
        }
        // Taken anew: another holder may have moved the cursor meanwhile.
        if (!this.holding) this.cursor = null;
        this.holding = true;
        this.claimedAt = claimed;
      }
      const from = this.cursor ?? (await this.readCursor());
      this.cursor = from;
      const changes = await this.store.changesAfter(from, BATCH * FILL_IN_FLIGHT);
      if (changes.length === 0) return;
      await this.applyInParallel(changes);
      applied += changes.length;
      if (applied >= REFRESH_BEFORE_CURSOR) await this.index.refresh();
      const to = changes[changes.length - 1]!.seq;
      await this.index.setCursor({ seq: to, store: this.storeId });
      this.cursor = to;
      this.applied += changes.length;
      if (changes.length < BATCH * FILL_IN_FLIGHT) return;
    }
  }

  /**
   * A run of the log as FILL_IN_FLIGHT bulks at once (the node indexes one while the next
   * is serialised). Safe in any order: each document's version is its change's sequence,
   * so a listing in two of them ends at its newer change; the cursor moves only after all.
   */
  private async applyInParallel(changes: ChangeEvent[], target?: string): Promise<void> {
    const bulks: Promise<void>[] = [];
    for (let i = 0; i < changes.length; i += BATCH) bulks.push(this.index.apply(changes.slice(i, i + BATCH), false, target));
    await Promise.all(bulks);
  }

  /** Applies the whole log after `from` to `target`; the last sequence number applied. */
  private async applyAfter(from: number, target?: string): Promise<number> {
    for (;;) {
      const changes = await this.store.changesAfter(from, BATCH * FILL_IN_FLIGHT);
      if (changes.length === 0) return from;
      await this.applyInParallel(changes, target);
      from = changes[changes.length - 1]!.seq;
    }
  }

  /** The index's place in the log; an index that has none is rebuilt first. */
  private async readCursor(): Promise<number> {
    const cursor = await this.index.cursor();
    if (cursor && cursor.store !== this.storeId) {
      throw new IndexFollowsAnotherStore(`the search index follows store ${cursor.store}, not this node's ${this.storeId}`);
    }
    return cursor ? cursor.seq : await this.rebuild();
  }

  /**
   * Builds a new index beside the alias's from one snapshot of the store, brings it up to
   * the log's end, and switches the alias to it; the sequence number it holds. The old
   * index answers searches until the switch, so a rebuild never empties them (clearing in
   * place answered `total: 0` for seconds, a minute at 1,000,000 listings). Writes during
   * the build reach the old index through their writers and the new one through the log:
   * it is read once more after the switch, so a write that answered just before it is in
   * the new index before the cursor says so. The lease is renewed throughout, so no other
   * node starts a second build meanwhile. An index with nothing in it (a new cluster) has
   * nothing to keep answering: it is filled in place.
   */
  async rebuild(): Promise<number> {
    const started = performance.now();
    this.rebuilding = true;
    const lease = this.keepLease();
    try {
      const beside = (await this.index.count()) > 0 ? await this.index.createNext() : null;
      const into = beside?.next;
      const filled = await this.index.duringBulkLoad(
        () => fillFromSnapshot(this.store, { fill: (records, seq) => this.index.fill(records, seq, into) }, FILL_BATCH, FILL_IN_FLIGHT),
        into,
      );
      lease.check();
      let seq = await this.applyAfter(filled.seq, into);
      await this.index.refresh(into);
      if (beside) {
        lease.check();
        await this.index.switchTo(beside.current, beside.next);
        seq = await this.applyAfter(seq);
        await this.index.refresh();
      }
      await this.index.setCursor({ seq, store: this.storeId });
      const ms = Math.round(performance.now() - started);
      log.info({ listings: filled.listings, seq, ms, ...(beside ? { from: beside.current, to: beside.next } : {}) }, 'search index rebuilt from the store');
      return seq;
    } finally {
      lease.stop();
      this.rebuilding = false;
    }
  }

  /**
   * Renews the lease every third of its term while a rebuild runs (a million listings take
   * most of a minute); `check` throws once it was lost, so the build stops before it
   * switches the alias under another holder's feet.
   */
  private keepLease(): { check(): void; stop(): void } {
    let lost = false;
    const timer = setInterval(() => {
      this.store.claimLease(INDEX_LEASE, this.node, LEASE_MS).then(
        (held) => {
          if (held) this.claimedAt = Date.now();
          else lost = true;
        },
        () => undefined, // the store away for a moment: the next renewal tries again
      );
    }, LEASE_MS / 3);
    timer.unref();
    return {
      check: () => {
        if (lost) throw new Error('the search index lease was lost during a rebuild; another node rebuilds it');
      },
      stop: () => clearInterval(timer),
    };
  }

  /**
   * The last change the index holds, as far as this node knows; null while this node
   * rebuilds it or when it has no cursor (new, lost, or being rebuilt by another node).
   */
  async indexedSeq(): Promise<number | null> {
    if (this.rebuilding) return null;
    return this.cursor ?? (await this.index.cursor())?.seq ?? null;
  }

  /**
   * Everything committed so far applied and refreshed, lease or not (applying twice is
   * harmless): for a caller that must see its bulk writes searched, as the contract suite.
   */
  async drain(): Promise<void> {
    await this.running;
    let from = await this.readCursor();
    for (;;) {
      const changes = await this.store.changesAfter(from, BATCH * FILL_IN_FLIGHT);
      if (changes.length === 0) break;
      await this.applyInParallel(changes);
      from = changes[changes.length - 1]!.seq;
      await this.index.setCursor({ seq: from, store: this.storeId });
    }
    await this.index.refresh();
  }

  /** How far the index is behind the log, as far as this node knows (for /metrics). */
  async lag(): Promise<number> {
    const cursor = this.cursor ?? (await this.index.cursor())?.seq ?? 0;
    return Math.max(0, (await this.store.lastSeq()) - cursor);
  }

  /** Stops applying: the batch in hand finishes before the lease is handed back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    if (this.holding) await this.store.releaseLease(INDEX_LEASE, this.node).catch(() => undefined);
  }
}
