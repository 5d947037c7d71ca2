/**
 * A listing's price cut, the list's `price_cut` order: how far its last price change
 * lowered the price, in basis points of the price before (10% = 1000, rounded down), when
 * that change came within the last PRICE_CUT_DAYS days. A rise, no change, or an older cut
 * is NO_CUT, after every cut. The record carries the price before its last change and when
 * that change was (`previousPrice`, `priceChangedAt`, set by changes/apply-write); the
 * listing page's history (components/listing/price-history.tsx) shows the same change.
 */
import type { ListingRecord } from './listing';

export const PRICE_CUT_DAYS = 30;
export const NO_CUT = -1;
const DAY_MS = 86_400_000;

/**
 * The oldest change time that still counts: the start of today (UTC) less 30 days, so
 * every page of a list read on one day, on either engine, agrees on which cuts count.
 */
export function priceCutSince(now = Date.now()): number {
  return Math.floor(now / DAY_MS) * DAY_MS - PRICE_CUT_DAYS * DAY_MS;
}

/**
 * The cut in basis points, or NO_CUT. Integer arithmetic (prices ≤ 1e8): the cluster
 * index's sort script computes the same with Java longs.
 */
export function priceCutBp(price: number, previousPrice: number | undefined, changedAt: number | undefined, since: number): number {
  if (previousPrice === undefined || changedAt === undefined || changedAt < since || previousPrice <= price || previousPrice <= 0) return NO_CUT;
  return Math.floor(((previousPrice - price) * 10_000) / previousPrice);
}

export function priceCutOf(r: Pick<ListingRecord, 'price' | 'previousPrice' | 'priceChangedAt'>, since: number): number {
  return priceCutBp(r.price, r.previousPrice, r.priceChangedAt, since);
}
