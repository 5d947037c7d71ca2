/**
 * What `/api/search`'s prices are in: the wire shapes of a bucket and of a search answer,
 * shared by both engines and the page, and the one rule that turns per-unit price sums
 * into what a bubble shows.
 *
 * A "unit" is a currency and a period (USD per month, NOK per night). Prices of two units
 * cannot be averaged together: 12,000 NOK a night and 3,000 USD a month make no number a
 * renter can read. So every bucket carries the unit of its homes and an average of homes
 * of that unit only. A bucket whose homes are of several units (rare: an area that holds
 * two cities' homes, an import in another currency inside a city) shows the average of
 * its largest unit, named, and lists every unit's own count and average in `units`: the
 * bubble then still reads right ("kr 1,059 / night" of the NOK homes), never a blend.
 */
import type { Level } from '../core/levels';
import type { Listing } from '../core/listing';
import type { PricePer } from '../core/money';

/** A currency (ISO 4217) and what a price pays for. */
export interface PriceUnit {
  currency: string;
  pricePer: PricePer;
}

/** One unit's homes among a bucket's: how many, and their average price (whole units). */
export interface UnitPrice extends PriceUnit {
  count: number;
  priceAvg: number;
}

/** One unit's share of a whole view: how many of the view's homes are priced in it. */
export interface UnitCount extends PriceUnit {
  count: number;
}

export interface Bucket {
  key: string;
  label: string;
  count: number;
  lat: number;
  lon: number;
  /** The average price of the bucket's homes priced in `currency` per `pricePer`, only those. */
  priceAvg: number;
  /** The unit of most of the bucket's homes (ties: the first unit by currency, then period). */
  currency: string;
  pricePer: PricePer;
  /** Present only when the bucket's homes are of more than one unit: each unit, largest first. */
  units?: UnitPrice[];
}

export interface SearchResult {
  level: Level;
  total: number;
  buckets: Bucket[];
  listings: Listing[];
  /**
   * The units of the view's homes, largest first: one entry when the view has one unit
   * (the page's headings and price filter say it), several when it is mixed (the page then
   * names the unit on each bubble), none when nothing matched. At the listing level it
   * counts the listings returned (all of them up to 500).
   */
  units: UnitCount[];
}

/** A unit's price total over some homes: what engines add up before dividing. */
export interface UnitSum extends PriceUnit {
  count: number;
  sumPrice: number;
}

/** The order of units in a bucket and a view: most homes first, then by currency and period, so every engine agrees. */
export function byShare(a: UnitCount, b: UnitCount): number {
  return b.count - a.count || (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : a.pricePer < b.pricePer ? -1 : a.pricePer > b.pricePer ? 1 : 0);
}

/** A bucket's price fields from its per-unit sums (at least one with homes). */
export function bucketPrices(sums: readonly UnitSum[]): Pick<Bucket, 'priceAvg' | 'currency' | 'pricePer' | 'units'> {
  const units: UnitPrice[] = sums
    .filter((s) => s.count > 0)
    .map((s) => ({ currency: s.currency, pricePer: s.pricePer, count: s.count, priceAvg: Math.round(s.sumPrice / s.count) }))
    .sort(byShare);
  const top = units[0];
  if (!top) throw new Error('a bucket without homes has no price');
  const out: Pick<Bucket, 'priceAvg' | 'currency' | 'pricePer' | 'units'> = { priceAvg: top.priceAvg, currency: top.currency, pricePer: top.pricePer };
  if (units.length > 1) out.units = units;
  return out;
}

/** Adds `from` into the list of sums `into`, unit by unit. */
export function mergeUnitSums(into: UnitSum[], from: readonly UnitSum[]): void {
  for (const s of from) {
    const t = into.find((u) => u.currency === s.currency && u.pricePer === s.pricePer);
    if (t) {
      t.count += s.count;
      t.sumPrice += s.sumPrice;
    } else into.push({ ...s });
  }
}

/**
 * The units of a whole answer: from its buckets (each unit's homes), or from its listings.
 * A short list searched in place, not a map keyed by strings: a cluster view has a
 * thousand buckets and one or two units.
 */
export function viewUnits(buckets: readonly Bucket[], listings: readonly Listing[]): UnitCount[] {
  const out: UnitCount[] = [];
  const add = (currency: string, pricePer: PricePer, count: number) => {
    for (const c of out) {
      if (c.currency === currency && c.pricePer === pricePer) {
        c.count += count;
        return;
      }
    }
    out.push({ currency, pricePer, count });
  };
  for (const b of buckets) {
    if (b.units) for (const u of b.units) add(u.currency, u.pricePer, u.count);
    else add(b.currency, b.pricePer, b.count);
  }
  for (const l of listings) add(l.currency, l.pricePer, 1);
  return out.sort(byShare);
}

/** The unit every home of a view shares, or null when the view is mixed or empty. */
export function soleUnit(units: readonly UnitCount[] | undefined): PriceUnit | null {
  return units && units.length === 1 ? { currency: units[0]!.currency, pricePer: units[0]!.pricePer } : null;
}
