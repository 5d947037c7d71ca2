import { clusterPrecision, levelForZoom, MAX_LISTINGS } from '../../core/levels';
import { listingOf, type Listing, type ListingRecord } from '../../core/listing';
import { topK } from '../../core/top-k';
import type { ChangeEvent, ListingWrite, WriteOutcome } from '../../changes/change-event';
import { ringBbox } from '../../core/polygon';
import { log } from '../../log';
import { queryWords } from '../../core/text-match';
import type {
  Bbox,
  ChangeNotice,
  EngineHealth,
  Filters,
  Ring,
  ListPage,
  ListQuery,
  ListSort,
  PriceHistogramQuery,
  PricePoint,
  SearchDefinition,
  SearchEngine,
  SearchQuery,
  SearchResult,
  WriteCounts,
} from '../search-engine';
import { ListingIndex, type RowSink } from './listing-index';
import { AreaSink, PriceBandSink, RowCollector, TileSink, TopRowsSink } from './sinks';
import { withoutPrice } from '../../core/filter-params';
import { SearchAreaIndex } from './search-area-index';
import type { ListingStore } from '../../store/listing-store';
import { SqliteListingStore } from '../../store/sqlite-listing-store';

export interface EmbeddedEngineOptions {
  /** Folder holding the SQLite store, when no other store is given. */
  dataDir: string;
  /** The system of record the index follows: PostgreSQL across hosts; SQLite in dataDir by default. */
  store?: ListingStore;
  /**
   * How often the change log is read for writes made by other processes (an importer,
   * another node on this host).
   * @default 100
   */
  pollIntervalMs?: number;
}

/**
 * The list's order: price ascending or newest first, the id breaking ties so the order is
 * total and a cursor (value, id) marks a place in it exactly.
 */
function sortsBefore(sort: ListSort, v1: number, id1: string, v2: number, id2: string): boolean {
  return (sort === 'price' ? v1 < v2 : v1 > v2) || (v1 === v2 && id1 < id2);
}

/**
 * The part of a bbox a ring can be in: their overlap, so the scan reads only rows that
 * could pass both. A bbox across the antimeridian is kept whole (rings do not cross it).
 */
function within(bbox: Bbox, ring: Ring): Bbox {
  const [w, s, e, n] = ringBbox(ring);
  if (bbox[0] > bbox[2]) return bbox;
  const out: Bbox = [Math.max(w, bbox[0]), Math.max(s, bbox[1]), Math.min(e, bbox[2]), Math.min(n, bbox[3])];
  // No overlap: south above north holds no row at all.
  return out[0] > out[2] || out[1] > out[3] ? [0, 1, 0, 0] : out;
}

/** Changes applied per slice while catching up, so a big import never stalls requests. */
const CATCH_UP_SLICE = 5_000;

/**
 * An in-memory index that answers queries and follows the store's change log by sequence
 * number: the store (SQLite on one machine, PostgreSQL across hosts) is the truth, so every
 * node's index converges on it by polling the log after its own cursor (a doorbell on the
 * bus makes that poll come sooner).
 */
export class EmbeddedEngine implements SearchEngine {
  readonly name = 'embedded';
  private seq: number;
  private timer: NodeJS.Timeout | null = null;
  /** The log being applied now; runs never overlap, so changes apply in sequence order. */
  private catching: Promise<void> | null = null;
  private closed = false;

  private searches = new SearchAreaIndex();
  private readonly changeListeners: ((e: ChangeEvent) => void)[] = [];
  private readonly commitListeners: ((e: ChangeEvent) => void)[] = [];

  private constructor(
    readonly store: ListingStore,
    readonly index: ListingIndex,
    seq: number,
  ) {
    this.seq = seq;
  }

  private searchesVersion = 0;
  private searchesLoaded = false;

  /**
   * Saved-search areas as the shared file holds them: all at start, then the changes any
   * process logged since, applied in version order.
   */
  private async loadSearches(): Promise<void> {
    // A flag, not version 0: with no area ever saved the version stays 0, and every
    // percolation read the whole (empty) table again.
    if (!this.searchesLoaded) {
      const { version, areas } = await this.store.searchAreasAt();
      for (const s of areas) this.searches.put(s);
      this.searchesVersion = version;
      this.searchesLoaded = true;
      return;
    }
    for (const c of await this.store.searchAreaChanges(this.searchesVersion)) {
      if (c.search) this.searches.put(c.search);
      else this.searches.remove(c.id);
      this.searchesVersion = c.version;
    }
  }

  static async open(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
    const store = options.store ?? new SqliteListingStore(options.dataDir);
    const index = new ListingIndex();
    const seq = await store.snapshot((r) => index.upsert(r, false));
    index.rebuild();
    const engine = new EmbeddedEngine(store, index, seq);
    await engine.loadSearches();
    engine.timer = setInterval(() => {
      engine.catchUp().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'change log unreadable; retrying'));
    }, options.pollIntervalMs ?? 100);
    engine.timer.unref();
    return engine;
  }

  /**
   * Applies committed changes the index has not seen. In the background a slice at a
   * time, yielding between slices so a big import never stalls requests; `untilCurrent`
   * applies everything there is (after this process's own write, which must be visible).
   * Runs one at a time: a caller that finds one running waits for it, then runs its own.
   */
  async catchUp(untilCurrent = false): Promise<void> {
    while (this.catching) {
      if (!untilCurrent) return;
      await this.catching.catch(() => undefined);
    }
    if (this.closed) return;
    const run = this.applyLog(untilCurrent);
    this.catching = run;
    try {
      await run;
    } finally {
      if (this.catching === run) this.catching = null;
    }
  }

  private async applyLog(untilCurrent: boolean): Promise<void> {
    let more: boolean;
    do {
      const changes = await this.store.changesAfter(this.seq, CATCH_UP_SLICE);
      for (const c of changes) {
        if (c.op === 'upsert' && c.after) this.index.upsert(c.after);
        else this.index.remove(c.listingId);
        this.seq = c.seq;
        for (const listener of this.changeListeners) {
          try {
            listener(c);
          } catch (err) {
            log.error({ err, seq: c.seq }, 'change listener failed');
          }
        }
      }
      more = changes.length === CATCH_UP_SLICE;
      // A big backlog in the background: let requests in between slices.
      if (more && !untilCurrent) setImmediate(() => void this.catchUp().catch(() => undefined));
    } while (more && untilCurrent);
  }

  async search({ bbox, zoom, filters, polygon }: SearchQuery): Promise<SearchResult> {
    const level = levelForZoom(zoom);
    if (level === 'listing') {
      const rows = this.collect(bbox, filters, polygon);
      const newest = this.newest(rows, MAX_LISTINGS);
      return { level, total: rows.length, buckets: [], listings: newest.map((r) => this.index.listing(r)) };
    }
    const sink =
      level === 'cluster'
        ? new TileSink(this.index, clusterPrecision(zoom), bbox)
        : new AreaSink(this.index, level === 'district' ? 'districts' : 'neighbourhoods');
    this.scan(bbox, filters, polygon, sink, true);
    const buckets = sink.buckets();
    return { level, total: buckets.reduce((n, b) => n + b.count, 0), buckets, listings: [] };
  }

  /** A page in list order, kept as the rows stream by: a city-wide list never gathers its million rows. */
  async list({ bbox, filters, sort, limit, after, polygon }: ListQuery): Promise<ListPage> {
    const value = sort === 'price' ? this.index.columns().price : this.index.columns().listedAt;
    const id = (r: number) => this.index.idAt(r);
    const ascending = sort === 'price';
    const before = (a: number, b: number) => {
      const va = value[a]!;
      const vb = value[b]!;
      return va !== vb ? (ascending ? va < vb : va > vb) : id(a) < id(b);
    };
    const admit = after ? (r: number) => sortsBefore(sort, after.value, after.id, value[r]!, id(r)) : null;
    const sink = new TopRowsSink(limit, before, admit);
    this.scan(bbox, filters, polygon, sink, false);
    const page = sink.rows();
    const last = page[page.length - 1];
    return {
      total: sink.total,
      listings: page.map((r) => this.index.listing(r)),
      nextCursor: sink.admitted > limit && last !== undefined ? { value: value[last]!, id: id(last) } : null,
    };
  }

  async priceHistogram({ bbox, filters, polygon, edges }: PriceHistogramQuery): Promise<number[]> {
    const sink = new PriceBandSink(this.index, edges);
    this.scan(bbox, withoutPrice(filters), polygon, sink, false);
    return sink.counts;
  }

  /**
   * The k newest rows in list order. The cut-off comes from a native sort of the dates
   * (no comparator calls), then only the rows at or above it are ordered.
   */
  private newest(rows: number[], k: number): number[] {
    const { listedAt } = this.index.columns();
    const id = (r: number) => this.index.idAt(r);
    let candidates = rows;
    if (rows.length > k) {
      const dates = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) dates[i] = listedAt[rows[i]!]!;
      dates.sort();
      const cutoff = dates[rows.length - k]!;
      candidates = rows.filter((r) => listedAt[r]! >= cutoff);
    }
    return topK(candidates, k, (a, b) => sortsBefore('newest', listedAt[a]!, id(a), listedAt[b]!, id(b)));
  }

  private collect(bbox: SearchQuery['bbox'], filters: SearchQuery['filters'], polygon?: Ring): number[] {
    const sink = new RowCollector();
    this.scan(bbox, filters, polygon, sink, false);
    return sink.rows;
  }

  /**
   * Every matching row into the sink. A keyword query starts from the rows that hold its
   * words (a few thousand, not the view's million); otherwise the index walks its cells.
   * Either way cells wholly inside a drawn area skip the point-in-ring test.
   */
  private scan(bbox: Bbox, filters: Filters, polygon: Ring | undefined, sink: RowSink, useCells: boolean): void {
    const wanted = filters.q ? queryWords(filters.q) : [];
    const area = polygon ? within(bbox, polygon) : bbox;
    if (wanted.length > 0) {
      this.index.scanRowSet(this.index.rowsWithWords(wanted), area, filters, sink, polygon ?? null);
    } else {
      this.index.scan(area, filters, sink, useCells, polygon ?? null);
    }
  }

  /** From the store, not the index: the index keeps no descriptions or photos. */
  async get(id: string): Promise<Listing | null> {
    const r = await this.store.get(id);
    return r ? listingOf(r) : null;
  }

  async count(): Promise<number> {
    return this.index.count;
  }

  async upsertMany(records: ListingRecord[]): Promise<WriteCounts> {
    const { inserted, updated } = await this.store.upsertMany(records);
    await this.catchUp(true);
    return { inserted, updated };
  }

  async write(w: ListingWrite): Promise<WriteOutcome> {
    const outcome = await this.store.write(w);
    if (outcome.event) {
      for (const listener of this.commitListeners) {
        try {
          listener(outcome.event);
        } catch (err) {
          // Committed all the same: the other nodes read it from the log at their next poll.
          log.error({ err, seq: outcome.event.seq }, 'commit listener failed');
        }
      }
      // Applies it (and anything before it) to the index and to listeners, in log order.
      await this.catchUp(true);
    }
    return outcome;
  }

  onChange(listener: (e: ChangeEvent) => void): void {
    this.changeListeners.push(listener);
  }

  onCommit(listener: (e: ChangeEvent) => void): void {
    this.commitListeners.push(listener);
  }

  /** The log is the truth: a notice only says to read it now rather than at the next poll. */
  noticeChange(notice: ChangeNotice): void {
    if (notice.seq > this.seq) void this.catchUp().catch(() => undefined);
  }

  /** The last change applied. */
  get appliedSeq(): number {
    return this.seq;
  }

  async removeMany(ids: string[]): Promise<number> {
    const removed = await this.store.removeMany(ids);
    await this.catchUp(true);
    return removed;
  }

  async refresh(): Promise<void> {
    await this.catchUp(true);
  }

  async putSearch(search: SearchDefinition): Promise<void> {
    await this.store.putSearchArea(search);
    await this.loadSearches();
  }

  async removeSearch(id: string): Promise<void> {
    await this.store.removeSearchArea(id);
    await this.loadSearches();
  }

  async percolate(states: ListingRecord[]): Promise<string[][]> {
    await this.loadSearches();
    return states.map((r) => this.searches.match(r));
  }

  async health(): Promise<EngineHealth> {
    try {
      await this.store.ping();
      return { ok: true, detail: `embedded on ${this.store.name}: ${this.index.count} listings, change ${this.seq}` };
    } catch (err) {
      return { ok: false, detail: `embedded store unreadable: ${(err as Error).message}` };
    }
  }

  async priceHistory(id: string): Promise<PricePoint[]> {
    return (await this.store.priceHistory(id)).map((p) => ({ at: new Date(p.at).toISOString(), price: p.price }));
  }

  async boundaries(): Promise<string | null> {
    return await this.store.getMeta('boundaries');
  }

  async setBoundaries(geojson: string): Promise<void> {
    await this.store.setMeta('boundaries', geojson);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    await this.catching?.catch(() => undefined);
    await this.store.close();
  }
}
