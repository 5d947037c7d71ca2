import type { Level } from '../core/levels';
import type { Listing, ListingRecord, ListingType } from '../core/listing';

/** west, south, east, north in degrees; west > east crosses the antimeridian. */
export type Bbox = [number, number, number, number];

/** Filters shared by the map, the list and (later) saved searches. */
export interface Filters {
  priceMin?: number;
  priceMax?: number;
  /** Any of these types; undefined means every type. */
  types?: ListingType[];
  /** Listings with at least this many bedrooms; listings without a count do not match. */
  bedsMin?: number;
}

export interface SearchQuery {
  bbox: Bbox;
  zoom: number;
  filters: Filters;
}

export interface Bucket {
  key: string;
  label: string;
  count: number;
  lat: number;
  lon: number;
  priceAvg: number;
}

export interface SearchResult {
  level: Level;
  total: number;
  buckets: Bucket[];
  listings: Listing[];
}

export type ListSort = 'price' | 'newest';

export interface ListQuery {
  bbox: Bbox;
  filters: Filters;
  sort: ListSort;
  limit: number;
  /** Position after which the page starts, from the previous page's `nextCursor`. */
  after?: ListCursor;
}

/** Keyset position: the sort value and id of the last listing of a page. */
export interface ListCursor {
  value: number;
  id: string;
}

export interface ListPage {
  total: number;
  listings: Listing[];
  nextCursor: ListCursor | null;
}

export interface WriteCounts {
  inserted: number;
  updated: number;
}

export interface EngineHealth {
  ok: boolean;
  detail: string;
}

/**
 * The search engine seam: the embedded engine (SQLite + in-memory index) and the cluster
 * engine (Elasticsearch / OpenSearch) both implement it, and one contract suite runs on both.
 */
export interface SearchEngine {
  readonly name: string;
  search(query: SearchQuery): Promise<SearchResult>;
  list(query: ListQuery): Promise<ListPage>;
  get(id: string): Promise<Listing | null>;
  /** Insert or replace listings by id (the importer's path); counts what was new. */
  upsertMany(records: ListingRecord[]): Promise<WriteCounts>;
  health(): Promise<EngineHealth>;
  close(): Promise<void>;
}
