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
    for (;;) {
      if (this.stopped) return;
      if (!this.holding || Date.now() - this.claimedAt > LEASE_MS / 2) {
        const claimed = Date.now();
        if (!(await this.store.claimLease(INDEX_LEASE, this.node, LEASE_MS))) {
          this.holding = false;
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
  private async applyInParallel(changes: ChangeEvent[]): Promise<void> {
    const bulks: Promise<void>[] = [];
    for (let i = 0; i < changes.length; i += BATCH) bulks.push(this.index.apply(changes.slice(i, i + BATCH), false));
    await Promise.all(bulks);
  }

  /** The index's place in the log; an index that has none is rebuilt first. */
  private async readCursor(): Promise<number> {
    const cursor = await this.index.cursor();
    if (cursor && cursor.store !== this.storeId) {
      throw new IndexFollowsAnotherStore(`the search index follows store ${cursor.store}, not this node's ${this.storeId}`);
    }
    return cursor ? cursor.seq : await this.rebuild();
  }

  /** Clears the index and fills it from one snapshot of the store; the snapshot's sequence number. */
  async rebuild(): Promise<number> {
    const started = performance.now();
    await this.index.clear();
    const { seq, listings } = await this.index.duringBulkLoad(() => fillFromSnapshot(this.store, this.index, FILL_BATCH, FILL_IN_FLIGHT));
    await this.index.setCursor({ seq, store: this.storeId });
    log.info({ listings, seq, ms: Math.round(performance.now() - started) }, 'search index rebuilt from the store');
    return seq;
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
