import crypto from 'node:crypto';
import type { ChangeEvent } from '../../changes/change-event';
import { log } from '../../log';
import type { ListingStore } from '../../store/listing-store';
import type { EngineHealth, ListPage, ListQuery, PriceHistogramQuery, SearchQuery, SearchResult } from '../search-engine';
import { StoreEngine } from '../store-engine';
import type { ClusterIndex } from './cluster-index';
import { IndexApplier, IndexFollowsAnotherStore } from './index-applier';

export interface ClusterIndexedEngineOptions {
  store: ListingStore;
  index: ClusterIndex;
  /** This node's name in the store's lease. */
  node?: string;
  /** @default 100 */
  pollIntervalMs?: number;
}

/**
 * The store as the record, an Elasticsearch or OpenSearch index derived from its log: one
 * node at a time applies the log to the index (IndexApplier); a write also puts its own
 * change into the index before it answers, so it is searchable everywhere when it does.
 * Every node follows the log itself for live push and the matcher, as with the in-memory
 * index, so what a watcher is told never depends on the bus carrying it.
 */
export class ClusterIndexedEngine extends StoreEngine {
  readonly name: string;

  private constructor(
    store: ListingStore,
    readonly index: ClusterIndex,
    readonly applier: IndexApplier,
    seq: number,
  ) {
    // The index is shared: following the log here only tells this node's listeners.
    super(store, seq, () => undefined);
    this.name = index.name;
  }

  static async open(options: ClusterIndexedEngineOptions): Promise<ClusterIndexedEngine> {
    const { store, index } = options;
    const storeId = await store.metaOnce('store-id', crypto.randomUUID());
    // An index filled from another store would mix two records: refuse rather than serve it.
    const cursor = await index.cursor().catch(() => null);
    if (cursor && cursor.store !== storeId) {
      throw new IndexFollowsAnotherStore(
        `the search index follows another store (${cursor.store}); nodes sharing a search cluster must share one DATABASE_URL`,
      );
    }
    const applier = new IndexApplier(store, index, storeId, options.node ?? crypto.randomUUID());
    // Live push starts at the log's end: a watcher is told of what changes from now on.
    const engine = new ClusterIndexedEngine(store, index, applier, await store.lastSeq());
    await engine.searches.load();
    engine.follower.start(options.pollIntervalMs ?? 100);
    engine.follower.onChange(() => applier.kick());
    applier.start();
    applier.kick();
    return engine;
  }

  search(query: SearchQuery): Promise<SearchResult> {
    return this.index.search(query);
  }

  list(query: ListQuery): Promise<ListPage> {
    return this.index.list(query);
  }

  priceHistogram(query: PriceHistogramQuery): Promise<number[]> {
    return this.index.priceHistogram(query);
  }

  count(): Promise<number> {
    return this.store.count();
  }

  /**
   * The writer's own copy into the index, so the write answers searchable. The change is
   * committed whatever happens here: if the index does not take it, the applier will.
   */
  protected async makeSearchable(e: ChangeEvent): Promise<void> {
    try {
      await this.index.applyOne(e);
    } catch (err) {
      log.warn({ err: (err as Error).message, seq: e.seq }, 'search index did not take a write; the log applier will');
    }
  }

  protected syncIndex(): Promise<void> {
    return this.applier.drain();
  }

  protected async closeIndex(): Promise<void> {
    await this.applier.stop();
    await this.index.close();
  }

  indexLag(): Promise<number> {
    return this.applier.lag();
  }

  /** The shared index's cursor, not this node's follower: the index is what searches read. */
  protected override indexedSeq(): Promise<number | null> {
    return this.applier.indexedSeq();
  }

  /** Ready when both the record and the index answer. */
  async health(): Promise<EngineHealth> {
    try {
      await this.store.ping();
    } catch (err) {
      return { ok: false, detail: `store unreadable: ${(err as Error).message}` };
    }
    const h = await this.index.health();
    return h.ok ? { ok: true, detail: `${h.detail}, following ${this.store.name} at change ${this.appliedSeq}` } : h;
  }
}
