import { DEFAULT_CURRENCY, DEFAULT_PRICE_PER, type PricePer } from '../core/money';
import { cachedFor } from '../core/ttl-cache';
import type { Bbox, Bucket, SearchEngine } from '../engine/search-engine';
import type { PriceUnit } from '../contract/search-prices';

const WORLD: Bbox = [-180, -85, 180, 85];
/** Zoom 12 asks for neighbourhoods: the average price over every area. */
const AREA_ZOOM = 12;
/** Zoom 14 asks for clusters (cells of about 600 m): where the listings are, to a few hundred metres. */
const CELL_ZOOM = 14;
/** Listings sampled for the currency and period the page labels bubbles with. */
const SAMPLE = 50;
/**
 * The first view leaves out this share of listings at each edge: one stray listing abroad
 * must not zoom the map out to the world, and the city's own edges stay in.
 */
const EDGE_SHARE = 0.005;
/** How long an overview is kept: it changes with imports, not with every write. */
const TTL_MS = 30_000;

/** What the first view of the map needs to know of the data, before any search. */
export interface MarketOverview {
  total: number;
  /** Where the listings are (west, south, east, north), or null when there are none. */
  extent: Bbox | null;
  /** What most listings' prices are in, so bubbles' averages carry a currency. */
  currency: string;
  pricePer: PricePer;
  /** Round prices spread over the market's range, for the price filter's choices. */
  priceSteps: number[];
  /** Lower edges of the price picture's bands, from 0 to about three times the average; the last is open. */
  priceBands: number[];
}

/** Rounded to half a power of ten (1,500, 2,000, 2,500 …; 50, 75 → 80): the prices a person picks. */
export function nice(n: number): number {
  if (n <= 0) return 0;
  const half = 10 ** Math.floor(Math.log10(n)) / 2;
  return Math.max(half, Math.round(n / half) * half);
}

export function priceStepsAround(average: number): number[] {
  if (!(average > 0)) return [];
  const steps = [0.25, 0.4, 0.5, 0.6, 0.75, 1, 1.25, 1.5, 2, 2.5, 3, 4].map((k) => nice(average * k));
  return [...new Set(steps)].filter((s) => s > 0);
}

/** Bands the price picture counts in: as many as a phone can draw, the same for every view of a market. */
const BANDS = 30;

export function priceBandsAround(average: number): number[] {
  if (!(average > 0)) return [];
  const step = nice((average * 3) / BANDS);
  return Array.from({ length: BANDS }, (_, i) => i * step);
}

/** The coordinate below which `share` of the listings lie, counting each bucket's listings. */
function weightedQuantile(buckets: Bucket[], value: (b: Bucket) => number, share: number, total: number): number {
  const sorted = [...buckets].sort((a, b) => value(a) - value(b));
  let seen = 0;
  for (const b of sorted) {
    seen += b.count;
    if (seen > total * share) return value(b);
  }
  return value(sorted[sorted.length - 1]!);
}

/**
 * The box holding the listings, from small cells' centroids: every edge at the coordinate
 * past which only EDGE_SHARE of the listings lie, padded by a twentieth (at least ~500 m)
 * so the outermost bubbles are not cut by the edge of the map.
 */
export function extentOf(buckets: Bucket[]): Bbox | null {
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (total === 0) return null;
  const w = weightedQuantile(buckets, (b) => b.lon, EDGE_SHARE, total);
  const e = weightedQuantile(buckets, (b) => b.lon, 1 - EDGE_SHARE, total);
  const s = weightedQuantile(buckets, (b) => b.lat, EDGE_SHARE, total);
  const n = weightedQuantile(buckets, (b) => b.lat, 1 - EDGE_SHARE, total);
  const padLon = Math.max((e - w) * 0.05, 0.005);
  const padLat = Math.max((n - s) * 0.05, 0.005);
  return [Math.max(-180, w - padLon), Math.max(-85, s - padLat), Math.min(180, e + padLon), Math.min(85, n + padLat)];
}

function mostCommon<T>(values: T[], fallback: T): T {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = fallback;
  let most = 0;
  for (const [v, c] of counts) if (c > most) [best, most] = [v, c];
  return best;
}

/** The average price of the buckets' homes priced in `unit`, 0 when none are. */
function unitAverage(buckets: readonly Bucket[], unit: PriceUnit): number {
  let count = 0;
  let sum = 0;
  for (const b of buckets) {
    for (const u of b.units ?? [b]) {
      if (u.currency !== unit.currency || u.pricePer !== unit.pricePer) continue;
      count += u.count;
      sum += u.priceAvg * u.count;
    }
  }
  return count > 0 ? sum / count : 0;
}

/**
 * The market at a glance, through the engine's own search and list, so every engine
 * answers it the same way; kept for TTL_MS.
 */
export class MarketOverviews {
  readonly get: () => Promise<MarketOverview> = cachedFor(TTL_MS, () => this.compute());

  constructor(private readonly engine: SearchEngine) {}

  private async compute(): Promise<MarketOverview> {
    const [areas, cells, sample] = await Promise.all([
      this.engine.search({ bbox: WORLD, zoom: AREA_ZOOM, filters: {} }),
      this.engine.search({ bbox: WORLD, zoom: CELL_ZOOM, filters: {} }),
      this.engine.list({ bbox: WORLD, filters: {}, sort: 'newest', limit: SAMPLE }),
    ]);
    const total = areas.total;
    // The store's largest unit by count (the newest homes may be a city just imported in
    // another currency), and the average of its homes only: prices of two currencies or
    // periods do not average.
    const main = areas.units[0] ?? {
      currency: mostCommon(sample.listings.map((l) => l.currency), DEFAULT_CURRENCY),
      pricePer: mostCommon(sample.listings.map((l) => l.pricePer), DEFAULT_PRICE_PER),
    };
    const average = unitAverage(areas.buckets, main);
    return {
      total,
      extent: extentOf(cells.buckets),
      currency: main.currency,
      pricePer: main.pricePer,
      priceSteps: priceStepsAround(average),
      priceBands: priceBandsAround(average),
    };
  }
}
