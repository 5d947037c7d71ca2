/**
 * The amenity vocabulary read from listers' words, and the price cut the list's
 * `price_cut` order sorts by (issue 30): pure functions, so their rules are pinned here.
 */
import { describe, expect, it } from 'vitest';
import { amenityKeysOf, amenityMask, keysOfMask, maskOfKeys } from '../server/core/amenities';
import { NO_CUT, priceCutBp, priceCutSince } from '../server/core/price-cut';
import { applyWrite, updatedFrom } from '../server/changes/apply-write';
import type { ListingRecord } from '../server/core/listing';

describe('amenities: Inside Airbnb’s words to the filter’s keys', () => {
  const cases: [string, string[]][] = [
    ['Wifi', ['wifi']],
    ['Fast wifi – 524 Mbps', ['wifi']],
    ['Wireless Internet', ['wifi']],
    ['Internet', ['wifi']],
    ['Kitchen', ['kitchen']],
    ['Kitchenette', []],
    ['Free washer – In unit', ['washer']],
    ['Washer', ['washer']],
    ['Dishwasher', []],
    ['Dryer', ['dryer']],
    ['Free dryer – In building', ['dryer']],
    ['Hair dryer', []],
    ['Air conditioning', ['air_conditioning']],
    ['Central air conditioning', ['air_conditioning']],
    ['AC - split type ductless system', ['air_conditioning']],
    ['Heating', ['heating']],
    ['Central heating', ['heating']],
    ['Free parking on premises', ['parking']],
    ['Paid street parking off premises', ['parking']],
    ['Pets allowed', ['pets_allowed']],
    ['Pets live on this property', []],
    ['Elevator', ['elevator']],
    ['Pool', ['pool']],
    ['Shared outdoor pool - available all year, open specific hours', ['pool']],
    ['Pool table', []],
    ['暖气', ['heating']],
    ['translation missing: en.hosting_amenity_49', []],
  ];
  it.each(cases)('%s → %j', (text, keys) => {
    expect(amenityKeysOf([text])).toEqual(keys);
  });

  it('a listing’s mask is every key its words name; masks and keys convert both ways', () => {
    const m = amenityMask(['Wifi', 'Hair dryer', 'Dryer', 'Free washer – In unit']);
    expect(keysOfMask(m)).toEqual(['wifi', 'washer', 'dryer']);
    expect(maskOfKeys(['dryer', 'wifi', 'washer'])).toBe(m);
    expect(amenityMask(undefined)).toBe(0);
    expect(amenityMask([])).toBe(0);
  });
});

describe('price cut: the last change’s drop, within 30 days', () => {
  const day = 86_400_000;
  const now = Date.UTC(2026, 11, 7, 12, 30);

  it('counts from the start of today (UTC) less 30 days', () => {
    expect(priceCutSince(now)).toBe(Date.UTC(2026, 11, 7) - 30 * day);
  });

  it('is the drop in basis points, rounded down; none for a rise, no change, or an older cut', () => {
    const since = priceCutSince(now);
    expect(priceCutBp(900, 1000, now, since)).toBe(1000);
    expect(priceCutBp(2, 3, now, since)).toBe(3333);
    expect(priceCutBp(1100, 1000, now, since)).toBe(NO_CUT);
    expect(priceCutBp(1000, 1000, now, since)).toBe(NO_CUT);
    expect(priceCutBp(900, undefined, undefined, since)).toBe(NO_CUT);
    expect(priceCutBp(900, 1000, since, since)).toBe(1000);
    expect(priceCutBp(900, 1000, since - 1, since)).toBe(NO_CUT);
  });

  const base: ListingRecord = {
    id: 'cut-1', title: 'Cut', lat: 40.7, lon: -73.9, price: 1000, type: 'entire', district: 'Brooklyn', neighbourhood: 'Bushwick',
    bedrooms: null, listedAt: 1, updatedAt: 1,
  };

  it('a write that changes the price keeps the one before and when; one that does not carries them over', () => {
    const cut = applyWrite(base, { op: 'patch', id: 'cut-1', patch: { price: 800 } }, 100);
    expect(cut).toMatchObject({ kind: 'written', after: { price: 800, previousPrice: 1000, priceChangedAt: 100 } });
    const after = (cut as { after: ListingRecord }).after;
    const retitled = applyWrite(after, { op: 'patch', id: 'cut-1', patch: { title: 'Cut again' } }, 200);
    expect(retitled).toMatchObject({ kind: 'written', after: { price: 800, previousPrice: 1000, priceChangedAt: 100, updatedAt: 200 } });
    // A whole record put (an import's row) does not bring its own: the stored ones stay.
    const put = applyWrite(after, { op: 'put', record: { ...base, price: 800, title: 'Put', previousPrice: 5, priceChangedAt: 5 } }, 300);
    expect(put).toMatchObject({ kind: 'written', after: { previousPrice: 1000, priceChangedAt: 100 } });
    expect(updatedFrom(after, { ...base, price: 850 }, 400)).toMatchObject({ price: 850, previousPrice: 800, priceChangedAt: 400, listedAt: 1 });
    // Never set before, and the price unchanged: still none.
    expect(updatedFrom(base, { ...base, title: 'x' }, 500)).not.toHaveProperty('previousPrice');
  });
});

describe('the cluster’s request bodies for the new filters and orders', () => {
  it('asks each minimum as a range (a document without the field is outside it) and each amenity as a term', async () => {
    const { filterClauses, listSort, listingDoc } = await import('../server/engine/cluster/query-bodies');
    expect(filterClauses({ bathsMin: 1.5, guestsMin: 3, amenities: ['wifi', 'pool'] })).toEqual([
      { range: { bathrooms: { gte: 1.5 } } },
      { range: { guests: { gte: 3 } } },
      { term: { amenityKeys: 'wifi' } },
      { term: { amenityKeys: 'pool' } },
    ]);
    expect(listSort('price_desc')).toEqual([{ price: 'desc' }, { id: 'asc' }]);
    const now = Date.UTC(2026, 11, 7, 9);
    expect(listSort('price_cut', now)).toMatchObject([{ _script: { type: 'number', order: 'desc', script: { params: { since: priceCutSince(now) } } } }, { id: 'asc' }]);
    const doc = listingDoc({
      id: 'd', title: 't', lat: 1, lon: 2, price: 9, type: 'entire', district: 'x', neighbourhood: 'y', bedrooms: null,
      amenities: ['Hair dryer', 'Fast wifi – 100 Mbps', 'Dryer'], previousPrice: 10, priceChangedAt: 5, listedAt: 1, updatedAt: 5,
    });
    expect(doc).toMatchObject({ amenityKeys: ['wifi', 'dryer'], previousPrice: 10, priceChangedAt: 5 });
  });
});

describe('one listing against the filters (the live watch and saved searches use this)', () => {
  it('a listing without a count or amenities fails a filter on them; with them, minimums are inclusive and amenities all required', async () => {
    const { matchesFilters } = await import('../server/core/area-match');
    const home: ListingRecord = {
      id: 'm', title: 'Home', lat: 1, lon: 2, price: 100, type: 'entire', district: 'x', neighbourhood: 'y', bedrooms: 2,
      bathrooms: 1.5, guests: 4, amenities: ['Wifi', 'Free washer – In unit', 'Hair dryer'], listedAt: 1, updatedAt: 1,
    };
    const bare: ListingRecord = { ...home, bathrooms: undefined, guests: undefined, amenities: undefined };
    expect(matchesFilters(home, { bathsMin: 1.5, guestsMin: 4, amenities: ['wifi', 'washer'] })).toBe(true);
    expect(matchesFilters(home, { bathsMin: 2 })).toBe(false);
    expect(matchesFilters(home, { guestsMin: 5 })).toBe(false);
    expect(matchesFilters(home, { amenities: ['wifi', 'dryer'] })).toBe(false);
    expect(matchesFilters(bare, { bathsMin: 0 })).toBe(false);
    expect(matchesFilters(bare, { guestsMin: 0 })).toBe(false);
    expect(matchesFilters(bare, { amenities: ['wifi'] })).toBe(false);
    expect(matchesFilters(bare, {})).toBe(true);
  });
});

describe('a SQLite store made before the previous price was kept', () => {
  it('takes each listing’s last price change from its log when the columns are added', async () => {
    const { SqliteStore } = await import('../server/engine/embedded/sqlite-store');
    const { tempDir } = await import('./helpers/roost');
    const Database = (await import('better-sqlite3')).default;
    const dir = tempDir('previous-price');
    const home: ListingRecord = {
      id: 'old-1', title: 'Old', lat: 40.7, lon: -73.9, price: 1000, type: 'entire', district: 'Brooklyn', neighbourhood: 'Bushwick',
      bedrooms: null, listedAt: 1, updatedAt: 1,
    };
    const store = new SqliteStore(dir);
    store.upsertMany([home, { ...home, id: 'old-2' }]);
    store.write({ op: 'patch', id: 'old-1', patch: { price: 800 } });
    store.write({ op: 'patch', id: 'old-1', patch: { title: 'Old, retitled' } });
    store.write({ op: 'patch', id: 'old-2', patch: { title: 'Never repriced' } });
    const changedAt = store.get('old-1')!.priceChangedAt!;
    store.db.close();
    // As an older release left it: no such columns.
    const raw = new Database(`${dir}/roost.db`);
    raw.exec('ALTER TABLE listings DROP COLUMN previous_price; ALTER TABLE listings DROP COLUMN price_changed_at;');
    raw.close();
    const again = new SqliteStore(dir);
    expect(again.get('old-1')).toMatchObject({ price: 800, previousPrice: 1000, priceChangedAt: changedAt });
    expect(again.get('old-2')).not.toHaveProperty('previousPrice');
    again.db.close();
  });
});
