import { DEFAULT_CURRENCY, DEFAULT_PRICE_PER, type PricePer } from '../core/money';
import type { Bbox, Bucket, SearchEngine } from '../engine/search-engine';

const WORLD: Bbox = [-180, -85, 180, 85];
/** Zoom 12 asks for neighbourhoods: the finest named areas, a few hundred per city. */
const AREA_ZOOM = 12;
/** Listings sampled for the currency and period the page labels bubbles with. */
const SAMPLE = 50;
/** The first view leaves out the smallest areas holding this share of listings: one stray listing abroad must not zoom the map out to the world. */
const OUTLIER_SHARE = 0.02;
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

/** The box around the areas that hold all but the smallest few percent of listings. */
export function extentOf(buckets: Bucket[]): Bbox | null {
  const total = buckets.reduce((n, b) => n + b.count, 0);
  if (total === 0) return null;
  const sorted = [...buckets].sort((a, b) => b.count - a.count);
  let kept = 0;
  let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const b of sorted) {
    if (kept >= total * (1 - OUTLIER_SHARE)) break;
    kept += b.count;
    [w, s, e, n] = [Math.min(w, b.lon), Math.min(s, b.lat), Math.max(e, b.lon), Math.max(n, b.lat)];
  }
  // Centroids sit inside their areas: pad by a tenth, and at least ~1 km, to frame them.
  const padLon = Math.max((e - w) * 0.1, 0.01);
  const padLat = Math.max((n - s) * 0.1, 0.01);
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

/**
 * The market at a glance, through the engine's own search and list, so every engine
 * answers it the same way; kept for TTL_MS.
 */
export class MarketOverviews {
  private cached: { at: number; value: Promise<MarketOverview> } | null = null;

  constructor(private readonly engine: SearchEngine) {}

  get(): Promise<MarketOverview> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > TTL_MS) {
      const value = this.compute();
      this.cached = { at: now, value };
      value.catch(() => {
        if (this.cached?.value === value) this.cached = null;
      });
    }
    return this.cached.value;
  }

  private async compute(): Promise<MarketOverview> {
    const [areas, sample] = await Promise.all([
      this.engine.search({ bbox: WORLD, zoom: AREA_ZOOM, filters: {} }),
      this.engine.list({ bbox: WORLD, filters: {}, sort: 'newest', limit: SAMPLE }),
    ]);
    const total = areas.total;
    const average = total > 0 ? areas.buckets.reduce((sum, b) => sum + b.priceAvg * b.count, 0) / total : 0;
    return {
      total,
      extent: extentOf(areas.buckets),
      currency: mostCommon(sample.listings.map((l) => l.currency), DEFAULT_CURRENCY),
      pricePer: mostCommon(sample.listings.map((l) => l.pricePer), DEFAULT_PRICE_PER),
      priceSteps: priceStepsAround(average),
    };
  }
}
