import type { ListingRecord } from '../core/listing';
import type { Alert, AlertReason, NewAlert } from './alert-store';

/**
 * Which state of its change an alert shows: the listing as it was before the change (a
 * removal: it is gone after) or as the change left it. With the change's sequence number
 * it names the listing's one stored copy.
 */
export type ListingSide = 0 | 1;
export const sideOf = (reason: AlertReason): ListingSide => (reason === 'removed' ? 0 : 1);

/** `${seq}:${side}`: a stored listing's key in maps. */
export const listingKey = (seq: number, side: ListingSide): string => `${seq}:${side}`;

/**
 * The listings a batch of alerts shows, each once. A write into a popular area makes
 * hundreds of alerts of one listing; storing its JSON in every alert row made the
 * matcher's commit several times the size of the alerts themselves (BENCHMARKS.md).
 */
export function distinctListings(alerts: NewAlert[]): { seq: number; side: ListingSide; json: string }[] {
  const seen = new Map<string, { seq: number; side: ListingSide; json: string }>();
  const json = new Map<ListingRecord, string>();
  for (const a of alerts) {
    const side = sideOf(a.reason);
    const key = listingKey(a.seq, side);
    if (seen.has(key)) continue;
    let text = json.get(a.listing);
    if (text === undefined) json.set(a.listing, (text = JSON.stringify(a.listing)));
    seen.set(key, { seq: a.seq, side, json: text });
  }
  return [...seen.values()];
}

/** An alert row as both stores read it: its listing inline (rows written before the listings were stored apart) or null. */
export interface StoredAlert {
  id: number;
  searchId: string;
  reason: AlertReason;
  session: string;
  seq: number;
  at: number;
  previousPrice: number | null;
  listing: string | ListingRecord | null;
}

/**
 * Alerts with their listings: those stored apart fetched once per distinct listing (and
 * parsed once, however many alerts show it), those stored inline taken as they are.
 */
export async function withListings(
  rows: StoredAlert[],
  fetch: (keys: { seq: number; side: ListingSide }[]) => Promise<Map<string, string | ListingRecord>>,
): Promise<(Alert & { session: string })[]> {
  const missing = new Map<string, { seq: number; side: ListingSide }>();
  for (const r of rows) {
    if (r.listing !== null) continue;
    const side = sideOf(r.reason);
    missing.set(listingKey(r.seq, side), { seq: r.seq, side });
  }
  const parsed = new Map<string, ListingRecord>();
  if (missing.size > 0) {
    for (const [key, listing] of await fetch([...missing.values()])) parsed.set(key, typeof listing === 'string' ? (JSON.parse(listing) as ListingRecord) : listing);
  }
  return rows.map((r) => {
    const listing = r.listing === null ? parsed.get(listingKey(r.seq, sideOf(r.reason))) : typeof r.listing === 'string' ? (JSON.parse(r.listing) as ListingRecord) : r.listing;
    // Written in the same transaction as the alert: a row without one is a broken store.
    if (!listing) throw new Error(`alert ${r.id}: its listing (change ${r.seq}) is missing`);
    const a: Alert & { session: string } = { id: r.id, searchId: r.searchId, reason: r.reason, listing, at: r.at, session: r.session };
    if (r.previousPrice !== null) a.previousPrice = r.previousPrice;
    return a;
  });
}
