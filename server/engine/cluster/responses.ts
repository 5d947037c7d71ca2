/**
 * Search responses of the documented shape turned into Roost's results: pure functions,
 * unit-tested on recorded responses and run on a real node by the contract suite.
 */
import type { Level } from '../../core/levels';
import { foldRegions, type RegionMap } from '../../core/regions';
import { listingOf, type Listing } from '../../core/listing';
import type { Bucket, SearchResult } from '../search-engine';
import { recordOf, type ListingDoc } from './query-bodies';

export interface Hit<S = ListingDoc> {
  _id: string;
  _source?: S;
  sort?: (number | string)[];
  fields?: Record<string, unknown[]>;
}

export interface SearchResponseBody<S = ListingDoc> {
  hits: { total?: { value: number; relation: string } | number; hits: Hit<S>[] };
  aggregations?: {
    buckets?: {
      buckets: {
        key: string;
        doc_count: number;
        centroid: { location?: { lat: number; lon: number }; count: number };
        price: { value: number | null };
      }[];
    };
    bands?: { buckets: { doc_count: number }[] };
  };
  pit_id?: string;
}

export function totalOf(body: SearchResponseBody<unknown>): number {
  const t = body.hits.total;
  return typeof t === 'number' ? t : (t?.value ?? 0);
}

export function listingsOf(body: SearchResponseBody): Listing[] {
  return body.hits.hits.map((h) => listingOf(recordOf(h._source!)));
}

/** Buckets largest first, ties by key: the order of `terms` and of the embedded engine. */
function byCountThenKey(a: Bucket, b: Bucket): number {
  return b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

export function searchResultOf(level: Level, body: SearchResponseBody, regions?: RegionMap): SearchResult {
  if (level === 'listing') return { level, total: totalOf(body), buckets: [], listings: listingsOf(body) };
  if (level === 'region') {
    // District totals folded into regions: sums from each centroid and average, unrounded.
    const sums = (body.aggregations?.buckets?.buckets ?? []).map((b) => ({
      key: b.key,
      count: b.doc_count,
      sumLat: (b.centroid.location?.lat ?? 0) * b.doc_count,
      sumLon: (b.centroid.location?.lon ?? 0) * b.doc_count,
      sumPrice: (b.price.value ?? 0) * b.doc_count,
    }));
    return { level, total: totalOf(body), buckets: foldRegions(sums, regions ?? new Map()), listings: [] };
  }
  const buckets: Bucket[] = (body.aggregations?.buckets?.buckets ?? []).map((b) => ({
    key: b.key,
    label: level === 'district' ? b.key : level === 'neighbourhood' ? b.key.slice(b.key.indexOf('|') + 1) : '',
    count: b.doc_count,
    lat: b.centroid.location?.lat ?? 0,
    lon: b.centroid.location?.lon ?? 0,
    priceAvg: Math.round(b.price.value ?? 0),
  }));
  return { level, total: totalOf(body), buckets: buckets.sort(byCountThenKey), listings: [] };
}


/** A `range` aggregation's counts in the order its ranges were asked for. */
export function priceBandsOf(body: SearchResponseBody<unknown>, bands: number): number[] {
  const buckets = body.aggregations?.bands?.buckets ?? [];
  return Array.from({ length: bands }, (_, i) => buckets[i]?.doc_count ?? 0);
}
