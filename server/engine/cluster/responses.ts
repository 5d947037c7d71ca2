/**
 * Search responses of the documented shape turned into Roost's results: pure functions,
 * unit-tested on recorded responses and run on a real node by the contract suite.
 */
import type { Level } from '../../core/levels';
import { foldRegions, type RegionMap } from '../../core/regions';
import { listingOf, type Listing } from '../../core/listing';
import type { Bucket, SearchResult } from '../search-engine';
import { bucketPrices, viewUnits, type UnitSum } from '../../contract/search-prices';
import type { PricePer } from '../../core/money';
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
        currencies: { buckets: { key: string; periods: { buckets: { key: string; doc_count: number; price: { value: number | null } }[] } }[] };
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

type AggBucket = NonNullable<NonNullable<SearchResponseBody['aggregations']>['buckets']>['buckets'][number];

/** A bucket's price sums per currency and period, from its `currencies` › `periods` sub-aggregations. */
function unitSumsOf(b: AggBucket): UnitSum[] {
  const out: UnitSum[] = [];
  for (const c of b.currencies?.buckets ?? []) {
    for (const p of c.periods.buckets) out.push({ currency: c.key, pricePer: p.key as PricePer, count: p.doc_count, sumPrice: p.price.value ?? 0 });
  }
  return out;
}

export function searchResultOf(level: Level, body: SearchResponseBody, regions?: RegionMap): SearchResult {
  if (level === 'listing') {
    const listings = listingsOf(body);
    return { level, total: totalOf(body), buckets: [], listings, units: viewUnits([], listings) };
  }
  if (level === 'region') {
    // District totals folded into regions: sums from each centroid, unrounded; prices as summed.
    const sums = (body.aggregations?.buckets?.buckets ?? []).map((b) => ({
      key: b.key,
      count: b.doc_count,
      sumLat: (b.centroid.location?.lat ?? 0) * b.doc_count,
      sumLon: (b.centroid.location?.lon ?? 0) * b.doc_count,
      prices: unitSumsOf(b),
    }));
    const buckets = foldRegions(sums, regions ?? new Map());
    return { level, total: totalOf(body), buckets, listings: [], units: viewUnits(buckets, []) };
  }
  const buckets: Bucket[] = (body.aggregations?.buckets?.buckets ?? []).map((b) => ({
    key: b.key,
    label: level === 'district' ? b.key : level === 'neighbourhood' ? b.key.slice(b.key.indexOf('|') + 1) : '',
    count: b.doc_count,
    lat: b.centroid.location?.lat ?? 0,
    lon: b.centroid.location?.lon ?? 0,
    ...bucketPrices(unitSumsOf(b)),
  }));
  buckets.sort(byCountThenKey);
  return { level, total: totalOf(body), buckets, listings: [], units: viewUnits(buckets, []) };
}


/** A `range` aggregation's counts in the order its ranges were asked for. */
export function priceBandsOf(body: SearchResponseBody<unknown>, bands: number): number[] {
  const buckets = body.aggregations?.bands?.buckets ?? [];
  return Array.from({ length: bands }, (_, i) => buckets[i]?.doc_count ?? 0);
}
