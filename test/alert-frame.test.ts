/**
 * The alert frame is built from a listing serialised once per listing object; it must be
 * the very text the plain JSON.stringify of the frame gives, for any listing text.
 */
import { describe, expect, it } from 'vitest';
import { alertFrame } from '../server/alerts/alert-delivery';
import type { Alert } from '../server/alerts/alert-store';
import { listingOf, type ListingRecord } from '../server/core/listing';

const TEXTS = ['plain', 'quote " and \\ backslash', '</script><img src=x onerror=alert(1)>', '北京 朝阳 两居室', 'tab\tnew\nline', '\u2028\u2029', '😀 emoji', ''];

describe('alertFrame', () => {
  it('equals JSON.stringify of the frame, with and without a previous price, for alerts sharing one listing', () => {
    let id = 0;
    for (const title of TEXTS) {
      const listing: ListingRecord = {
        id: `l-${title.length}`, title, lat: 40.7, lon: -73.95, price: 1999, type: 'entire', district: title, neighbourhood: 'N', bedrooms: 2,
        listedAt: Date.UTC(2026, 0, 1), updatedAt: Date.UTC(2026, 0, 2),
      };
      for (const a of [
        { id: ++id, searchId: `s"${title}`, reason: 'new', listing, at: 1 },
        { id: ++id, searchId: 's2', reason: 'price_drop', listing, previousPrice: 2500, at: 2 },
        { id: ++id, searchId: 's3', reason: 'removed', listing, at: 3 },
      ] satisfies Alert[]) {
        const expected = JSON.stringify({ type: 'alert', id: a.id, searchId: a.searchId, reason: a.reason, listing: listingOf(a.listing), ...(a.previousPrice !== undefined ? { previousPrice: a.previousPrice } : {}) });
        expect(alertFrame(a)).toBe(expected);
      }
    }
  });
});
