import { clusterPrecision, levelForZoom, MAX_LISTINGS } from '../../core/levels';
import { listingOf, type Listing, type ListingRecord } from '../../core/listing';
import { topK } from '../../core/top-k';
import type { ChangeEvent, ListingWrite, WriteOutcome } from '../../changes/change-event';
import { ringBbox } from '../../core/polygon';
import { foldRegions, linkRegions, type RegionMap } from '../../core/regions';
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
import type { ListingIndex } from './listing-index';
import { startIndex, type StartedIndex } from './start-index';
import type { RowSink, SinkColumns } from './row-sink';
import { NO_CUT, priceCutSince } from '../../core/price-cut';
import { AreaSink, PriceBandSink, RowCollector, TileSink, TopRowsSink } from './sinks';
import { withoutPrice } from '../../core/filter-params';
import { viewUnits } from '../../contract/search-prices';
import { StoreEngine } from '../store-engine';
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
  /**
   * Stores of at least this many listings keep a snapshot of the index in dataDir.
   * @default SNAPSHOT_MIN_LISTINGS
   */
  snapshotMinListings?: number;
}

/** How long the regions are kept before they are linked again from the districts' totals. */
const REGIONS_KEPT_MS = 60_000;
const WORLD: Bbox = [-180, -90, 180, 90];

/**
 * The list's order: price ascending, else its value descending (price, date, cut), the id
 * breaking ties so the order is total and a cursor (value, id) marks a place in it exactly.
 */
function sortsBefore(sort: ListSort, v1: number, id1: string, v2: number, id2: string): boolean {
  return (sort === 'price' ? v1 < v2 : v1 > v2) || (v1 === v2 && id1 < id2);
}

/** A row's value in a list order (the cluster index sorts on the same: query-bodies LIST_SORT). */
function sortValue(c: SinkColumns, sort: ListSort, now: number): (r: number) => number {
  switch (sort) {
    case 'price':
    case 'price_desc': {
      const { price } = c;
      return (r) => price[r]!;
    }
    case 'newest': {
      const { listedAt } = c;
      return (r) => listedAt[r]!;
    }
    case 'price_cut': {
      // Minutes, as the column keeps them; `since` is a whole day, so the test is exact.
      const since = priceCutSince(now) / 60_000;
      const { cutBp, cutAt } = c;
      return (r) => (cutAt[r]! >= since ? cutBp[r]! : NO_CUT);
    }
  }
}

/**
 * Whether row a comes before row b in a list's order. A column's own sorts read the
 * column in the comparator itself: through `value` (a closure per sort) V8 left the call
 * in the scan's innermost loop un-inlined, and city-wide lists took ~55 % more CPU than
 * when the comparator read the column (bench list pages at 1M, 5.5 → 8.5 ms a page).
 */
function listOrder(index: ListingIndex, sort: ListSort, value: (r: number) => number): (a: number, b: number) => boolean {
  const { price, listedAt } = index.columns();
  switch (sort) {
    case 'price':
      return (a, b) => (price[a] !== price[b] ? price[a]! < price[b]! : index.idBefore(a, b));
    case 'price_desc':
      return (a, b) => (price[a] !== price[b] ? price[a]! > price[b]! : index.idBefore(a, b));
    case 'newest':
      return (a, b) => (listedAt[a] !== listedAt[b] ? listedAt[a]! > listedAt[b]! : index.idBefore(a, b));
    case 'price_cut':
      return (a, b) => {
        const va = value(a);
        const vb = value(b);
        return va !== vb ? va > vb : index.idBefore(a, b);
      };
  }
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

/**
 * An in-memory index that answers queries and follows the store's change log by sequence
 * number: the store (SQLite on one machine, PostgreSQL across hosts) is the truth, so every
 * node's index converges on it by following the log after its own cursor (LogFollower).
 */
export class EmbeddedEngine extends StoreEngine {
  readonly name = 'embedded';

  private constructor(
    store: ListingStore,
    readonly index: ListingIndex,
    seq: number,
    /** Where the index came from at open: its snapshot in DATA_DIR, or the store. */
    readonly indexSource: StartedIndex['source'],
  ) {
    super(store, seq, (c) => {
      if (c.op === 'upsert' && c.after) index.upsert(c.after);
      else index.remove(c.listingId);
    });
  }

  static async open(options: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
    const store = options.store ?? new SqliteListingStore(options.dataDir);
    const { index, seq, source } = await startIndex(store, {
      dataDir: options.dataDir,
      ...(options.snapshotMinListings !== undefined ? { minListings: options.snapshotMinListings } : {}),
    });
    const engine = new EmbeddedEngine(store, index, seq, source);
    await engine.searches.load();
    engine.follower.start(options.pollIntervalMs ?? 100);
    return engine;
  }

  /** Applies committed changes the index has not seen (`untilCurrent`: all of them, now). */
  catchUp(untilCurrent = false): Promise<void> {
    return this.follower.catchUp(untilCurrent);
  }

  /** Following the log applies it to this index: the write's own catch-up makes it searchable. */
  protected async makeSearchable(): Promise<void> {}

  protected async syncIndex(): Promise<void> {}

  protected async closeIndex(): Promise<void> {}

  /** This node's own index: as far behind as this node's place in the log. */
  async indexLag(): Promise<number> {
    return Math.max(0, (await this.store.lastSeq()) - this.appliedSeq);
  }

  async search({ bbox, zoom, filters, polygon }: SearchQuery): Promise<SearchResult> {
    const level = levelForZoom(zoom);
    if (level === 'listing') {
      const rows = this.collect(bbox, filters, polygon);
      const newest = this.newest(rows, MAX_LISTINGS);
      const listings = newest.map((r) => this.index.listing(r));
      return { level, total: rows.length, buckets: [], listings, units: viewUnits([], listings) };
    }
    if (level === 'region') {
      const sink = new AreaSink(this.index, 'districts');
      this.scan(bbox, filters, polygon, sink, true);
      const buckets = foldRegions(sink.sums(), this.regionMap());
      return { level, total: buckets.reduce((n, b) => n + b.count, 0), buckets, listings: [], units: viewUnits(buckets, []) };
    }
    const sink =
      level === 'cluster'
        ? new TileSink(this.index, clusterPrecision(zoom), bbox)
        : new AreaSink(this.index, level === 'district' ? 'districts' : 'neighbourhoods');
    this.scan(bbox, filters, polygon, sink, true);
    const buckets = sink.buckets();
    return { level, total: buckets.reduce((n, b) => n + b.count, 0), buckets, listings: [], units: viewUnits(buckets, []) };
  }

  private regions: { map: RegionMap; at: number; districts: number } | null = null;

  /**
   * The regions, linked from every district's unfiltered totals (the pyramid's roots: a
   * millisecond). Kept for REGIONS_KEPT_MS, or until a district appears: a region's
   * members change only when a district's centre moves by kilometres.
   */
  regionMap(): RegionMap {
    const districts = this.index.districts.names.length;
    const now = Date.now();
    if (!this.regions || this.regions.districts !== districts || now - this.regions.at > REGIONS_KEPT_MS) {
      const sink = new AreaSink(this.index, 'districts');
      this.scan(WORLD, {}, undefined, sink, true);
      const map = linkRegions(sink.buckets().map((b) => ({ key: b.key, count: b.count, lat: b.lat, lon: b.lon })));
      this.regions = { map, at: now, districts };
    }
    return this.regions.map;
  }

  /** A page in list order, kept as the rows stream by: a city-wide list never gathers its million rows. */
  async list({ bbox, filters, sort, limit, after, polygon }: ListQuery): Promise<ListPage> {
    const value = sortValue(this.index.columns(), sort, Date.now());
    const id = (r: number) => this.index.idAt(r);
    const before = listOrder(this.index, sort, value);
    const admit = after ? (r: number) => sortsBefore(sort, after.value, after.id, value(r), id(r)) : null;
    const sink = new TopRowsSink(limit, before, admit);
    this.scan(bbox, filters, polygon, sink, false);
    const page = sink.rows();
    const last = page[page.length - 1];
    return {
      total: sink.total,
      listings: page.map((r) => this.index.listing(r)),
      nextCursor: sink.admitted > limit && last !== undefined ? { value: value(last), id: id(last) } : null,
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
    // sortsBefore('newest', …) with the ids looked up only on a tie of dates.
    return topK(candidates, k, (a, b) => (listedAt[a] === listedAt[b] ? id(a) < id(b) : listedAt[a]! > listedAt[b]!));
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
      this.index.scanWords(wanted, area, filters, sink, polygon ?? null);
    } else {
      this.index.scan(area, filters, sink, useCells, polygon ?? null);
    }
  }

  async count(): Promise<number> {
    return this.index.count;
  }

  async health(): Promise<EngineHealth> {
    try {
      await this.store.ping();
      return { ok: true, detail: `embedded on ${this.store.name}: ${this.index.count} listings, change ${this.appliedSeq}` };
    } catch (err) {
      return { ok: false, detail: `embedded store unreadable: ${(err as Error).message}` };
    }
  }
}
