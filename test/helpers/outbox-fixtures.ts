import type { SavedSearch } from '../../server/alerts/alert-store';
import type { ListingRecord } from '../../server/core/listing';

/** The moment the outbox suites' homes and searches are made at. */
export const T0 = Date.UTC(2026, 11, 7, 12);

/** A Manhattan home at $2,000 a month; `extra` changes what a test needs. */
export const home = (id: string, extra: Partial<ListingRecord> = {}): ListingRecord => ({
  id, title: `Home ${id}`, lat: 40.7, lon: -73.95, price: 2000, type: 'entire', district: 'Manhattan', neighbourhood: 'Village', bedrooms: 2,
  listedAt: T0, updatedAt: T0, ...extra,
});

/** A saved search over lower Manhattan, alerting on every reason, instantly, on the page and by email. */
export function search(id: string, extra: Partial<SavedSearch> = {}): SavedSearch {
  return { id, name: `Search ${id}`, area: { bbox: [-74, 40.6, -73.9, 40.8] }, filters: {}, notify: ['new', 'price_drop', 'removed'], paused: false, createdAt: T0, since: 0, channels: ['page', 'email'], frequency: 'instant', ...extra };
}
