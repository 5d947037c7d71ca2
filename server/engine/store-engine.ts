import type { ChangeEvent, ListingWrite, WriteOutcome } from '../changes/change-event';
import { listingOf, type Listing, type ListingRecord } from '../core/listing';
import { log } from '../log';
import type { ListingStore } from '../store/listing-store';
import { LogFollower } from './log-follower';
import { SavedSearchAreas } from './saved-search-areas';
import type {
  ChangeNotice,
  EngineHealth,
  ListPage,
  ListQuery,
  PriceHistogramQuery,
  PricePoint,
  SearchDefinition,
  SearchEngine,
  SearchQuery,
  SearchResult,
  WriteCounts,
} from './search-engine';

/**
 * How old the oldest change missing from a node's search index may be while the node still
 * counts as caught up (/readyz). Not zero: a steady stream of writes always has the last
 * few in flight (the follower polls every 100 ms, the cluster applier every 200 ms), and a
 * node flapping in and out of a load balancer's pool at each write would serve nobody.
 * Two seconds: past the contract's 1 s for a write to be searchable everywhere, short of
 * what an import or a rebuild leaves behind (20,000 listings: seconds of catching up).
 * Commit times are the writer's clock, so across hosts this assumes clocks kept in step
 * (NTP) to well within it.
 */
export const INDEX_READY_GRACE_MS = 2_000;

export interface IndexReadiness {
  ok: boolean;
  detail: string;
}

/**
 * The one shape every engine has: the store (SQLite | PostgreSQL) holds the record and the
 * change log; this node follows the log after its own cursor (LogFollower) to tell live
 * push and the matcher, and saved searches percolate in memory from the store's areas.
 * What differs is the search index: in memory on each node, fed by the follower
 * (EmbeddedEngine), or a shared cluster fed by one node under a lease (ClusterIndexedEngine).
 */
export abstract class StoreEngine implements SearchEngine {
  abstract readonly name: string;
  protected readonly follower: LogFollower;
  protected readonly searches: SavedSearchAreas;
  private readonly commitListeners: ((e: ChangeEvent) => void)[] = [];

  protected constructor(
    readonly store: ListingStore,
    from: number,
    /** What following the log does to this node's index: everything, or nothing when it is shared. */
    applyToIndex: (e: ChangeEvent) => void,
  ) {
    this.follower = new LogFollower(store, from, applyToIndex);
    this.searches = new SavedSearchAreas(store);
  }

  abstract search(query: SearchQuery): Promise<SearchResult>;
  abstract list(query: ListQuery): Promise<ListPage>;
  abstract priceHistogram(query: PriceHistogramQuery): Promise<number[]>;
  abstract count(): Promise<number>;
  abstract health(): Promise<EngineHealth>;
  /** Makes a change this node committed searchable before its write answers. */
  protected abstract makeSearchable(e: ChangeEvent): Promise<void>;
  /** Everything committed so far searchable. */
  protected abstract syncIndex(): Promise<void>;
  protected abstract closeIndex(): Promise<void>;
  /** Changes in the log the search index has not applied yet. */
  abstract indexLag(): Promise<number>;

  /**
   * The last change this node's search index holds, or null when it cannot say (being
   * rebuilt). The in-memory index is applied by this node's follower: its place in the log.
   */
  protected async indexedSeq(): Promise<number | null> {
    return this.follower.appliedSeq;
  }

  /**
   * Whether the search index holds every change committed more than `graceMs` ago: what
   * /readyz asks, so a load balancer never sends a renter to a node that would answer
   * with homes missing (after an import, during a rebuild, back from an outage).
   */
  async indexReadiness(graceMs = INDEX_READY_GRACE_MS): Promise<IndexReadiness> {
    const seq = await this.indexedSeq();
    if (seq === null) return { ok: false, detail: 'search index being rebuilt from the store' };
    const next = (await this.store.changesAfter(seq, 1))[0];
    if (!next) return { ok: true, detail: `search index caught up at change ${seq}` };
    const age = Math.max(0, Date.now() - next.at);
    const behind = Math.max(0, (await this.store.lastSeq()) - seq);
    const detail = `search index ${behind} changes behind the log, the oldest committed ${age} ms ago`;
    return { ok: age < graceMs, detail };
  }

  get log(): ListingStore {
    return this.store;
  }

  /** The last change this node has followed. */
  get appliedSeq(): number {
    return this.follower.appliedSeq;
  }

  /** From the store, not the index: the store is the record and holds every field. */
  async get(id: string): Promise<Listing | null> {
    const r = await this.store.get(id);
    return r ? listingOf(r) : null;
  }

  async upsertMany(records: ListingRecord[]): Promise<WriteCounts> {
    const { inserted, updated } = await this.store.upsertMany(records);
    await this.follower.catchUp(true);
    return { inserted, updated };
  }

  async write(w: ListingWrite): Promise<WriteOutcome> {
    const outcome = await this.store.write(w);
    const event = outcome.event;
    if (event) {
      for (const listener of this.commitListeners) {
        try {
          listener(event);
        } catch (err) {
          // Committed all the same: the other nodes read it from the log at their next poll.
          log.error({ err, seq: event.seq }, 'commit listener failed');
        }
      }
      await this.makeSearchable(event);
      // Tells this node's listeners of it (and of anything before it), in log order.
      await this.follower.offer(event);
    }
    return outcome;
  }

  async removeMany(ids: string[]): Promise<number> {
    const removed = await this.store.removeMany(ids);
    await this.follower.catchUp(true);
    return removed;
  }

  async refresh(): Promise<void> {
    await this.follower.catchUp(true);
    await this.syncIndex();
  }

  onChange(listener: (e: ChangeEvent) => void): void {
    this.follower.onChange(listener);
  }

  onCommit(listener: (e: ChangeEvent) => void): void {
    this.commitListeners.push(listener);
  }

  /** The log is the truth: a notice only says to read it now rather than at the next poll. */
  noticeChange(notice: ChangeNotice): void {
    this.follower.ring(notice.seq);
  }

  putSearch(search: SearchDefinition): Promise<void> {
    return this.searches.put(search);
  }

  removeSearch(id: string): Promise<void> {
    return this.searches.remove(id);
  }

  percolate(states: ListingRecord[]): Promise<string[][]> {
    return this.searches.percolate(states);
  }

  async priceHistory(id: string): Promise<PricePoint[]> {
    return (await this.store.priceHistory(id)).map((p) => ({ at: new Date(p.at).toISOString(), price: p.price }));
  }

  boundaries(): Promise<string | null> {
    return this.store.getMeta('boundaries');
  }

  setBoundaries(geojson: string): Promise<void> {
    return this.store.setMeta('boundaries', geojson);
  }

  async close(): Promise<void> {
    await this.follower.close();
    await this.closeIndex();
    await this.store.close();
  }
}
