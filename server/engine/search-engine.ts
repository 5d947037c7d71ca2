import type { Level } from '../core/levels';
import type { ChangeEvent, ListingWrite, WriteOutcome } from '../changes/change-event';
import type { AmenityKey } from '../core/amenities';
import type { Listing, ListingRecord, ListingType } from '../core/listing';
import type { ListingStore } from '../store/listing-store';
import type { SearchResult } from '../contract/search-prices';

/** west, south, east, north in degrees; west > east crosses the antimeridian. */
export type Bbox = [number, number, number, number];

/** What a node announces on the bus after a commit: a doorbell, "the log has grown to `seq`". */
export interface ChangeNotice {
  node: string;
  seq: number;
}

/** Filters shared by the map, the list and (later) saved searches. */
export interface Filters {
  priceMin?: number;
  priceMax?: number;
  /** Any of these types; undefined means every type. */
  types?: ListingType[];
  /** Listings with at least this many bedrooms; listings without a count do not match. */
  bedsMin?: number;
  /** At least this many bathrooms (half steps: 1.5); listings without a count do not match. */
  bathsMin?: number;
  /** Sleeps at least this many guests; listings without a count do not match. */
  guestsMin?: number;
  /** Every one of these (core/amenities' vocabulary); listings without amenities match none. */
  amenities?: AmenityKey[];
  /** Words the title and description together must hold (core/text-match). */
  q?: string;
}

/** A closed ring of [lon, lat] positions, first equal to last (GeoJSON's order). */
export type Ring = [number, number][];

/** Where a saved search looks: the view it was saved from, or an area drawn on the map. */
export type SearchArea = { bbox: Bbox } | { polygon: Ring };

/** A saved search as the matcher sees it: where and which homes. */
export interface SearchDefinition {
  id: string;
  area: SearchArea;
  filters: Filters;
}

export interface SearchQuery {
  bbox: Bbox;
  zoom: number;
  filters: Filters;
  /** Only listings inside this drawn area as well as the bbox. */
  polygon?: Ring;
}

/** A bucket and a search answer are the wire contract's (server/contract/search-prices). */
export type { Bucket, SearchResult } from '../contract/search-prices';

/**
 * The list's orders: price low to high or high to low, newest first, or the biggest price
 * cut first (core/price-cut: the drop of a listing's last price change, in basis points,
 * when that change lowered the price within the last 30 days; homes without one follow,
 * by id). The id breaks every tie.
 */
export type ListSort = 'price' | 'price_desc' | 'newest' | 'price_cut';

export interface ListQuery {
  bbox: Bbox;
  filters: Filters;
  polygon?: Ring;
  sort: ListSort;
  limit: number;
  /** Position after which the page starts, from the previous page's `nextCursor`. */
  after?: ListCursor;
}

/** Keyset position: the sort value and id of the last listing of a page. */
export interface ListCursor {
  value: number;
  id: string;
  /** The cluster engine's point in time for the next page; the embedded engine has none. */
  pit?: string;
}

export interface ListPage {
  total: number;
  listings: Listing[];
  nextCursor: ListCursor | null;
}

/** The homes a view's filters leave, counted per price band, whatever their own price filter. */
export interface PriceHistogramQuery {
  bbox: Bbox;
  /** Applied without priceMin/priceMax: the picture shows what the price control would let in. */
  filters: Filters;
  polygon?: Ring;
  /** Ascending lower edges; band i is [edges[i], edges[i+1]), the last one open above. */
  edges: number[];
}

export interface WriteCounts {
  inserted: number;
  updated: number;
}

/** A listing's price from a moment on (ISO time). */
export interface PricePoint {
  at: string;
  price: number;
}

export interface EngineHealth {
  ok: boolean;
  detail: string;
}

/**
 * What the server asks of its engine: a store (SQLite | PostgreSQL) with its change log and
 * a search index (in memory | Elasticsearch | OpenSearch) that follows it (StoreEngine).
 * One contract suite runs on every pairing that can run here.
 */
export interface SearchEngine {
  readonly name: string;
  /** The store's change log, which every engine follows. */
  readonly log: ListingStore;
  /** The last change of the log this node has followed. */
  readonly appliedSeq: number;
  search(query: SearchQuery): Promise<SearchResult>;
  list(query: ListQuery): Promise<ListPage>;
  get(id: string): Promise<Listing | null>;
  /** Counts per price band (`edges`), one per edge; prices below the first edge are left out. */
  priceHistogram(query: PriceHistogramQuery): Promise<number[]>;
  /** How many listings the store holds. */
  count(): Promise<number>;
  /**
   * Insert or replace listings by id (the importer's path); counts what was new. An
   * update keeps the stored `listedAt`; a record equal to the stored one changes nothing.
   */
  upsertMany(records: ListingRecord[]): Promise<WriteCounts>;
  /**
   * One write of the API (create or replace, patch, remove), read-modify-write in one
   * step, committed when it resolves and visible to search within 1 s (the in-memory index:
   * at once); its change event comes back with it.
   */
  write(w: ListingWrite): Promise<WriteOutcome>;
  /** Every change this node reads from the log (any node's, an importer's), in sequence order. */
  onChange(listener: (e: ChangeEvent) => void): void;
  /**
   * A change this process's `write` committed, told before the change is applied here or
   * any `onChange` listener hears of it: the moment to tell the other nodes, so their
   * watchers do not wait for this node's own fan-out.
   */
  onCommit(listener: (e: ChangeEvent) => void): void;
  /** Another node committed a change (a doorbell on the bus): read the log now. */
  noticeChange(notice: ChangeNotice): void;
  /** Removes listings by id; counts those that existed. */
  removeMany(ids: string[]): Promise<number>;
  /** Makes every write so far visible to search (a shared index catches up on its own within 1 s). */
  refresh(): Promise<void>;
  /** Saves (or replaces) a search for `percolate`. */
  putSearch(search: SearchDefinition): Promise<void>;
  removeSearch(id: string): Promise<void>;
  /**
   * The saved searches each listing state matches, one set per state given (a change's
   * before and after): the ids, sorted.
   */
  percolate(states: ListingRecord[]): Promise<string[][]>;
  /** A listing's prices over time, oldest first, from the change log: its first price and every change of it. */
  priceHistory(id: string): Promise<PricePoint[]>;
  /** The boundaries GeoJSON the store holds, for the map's outlines and --boundaries. */
  boundaries(): Promise<string | null>;
  setBoundaries(geojson: string): Promise<void>;
  health(): Promise<EngineHealth>;
  close(): Promise<void>;
}
