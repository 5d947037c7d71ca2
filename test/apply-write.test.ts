/** applyWrite, the one rule both stores apply to a write, case by case with literal records. */
import { describe, expect, it } from 'vitest';
import { applyWrite } from '../server/changes/apply-write';
import type { ListingRecord } from '../server/core/listing';

const LISTED = Date.UTC(2026, 0, 5);
const NOW = Date.UTC(2026, 5, 1);
const stored: ListingRecord = {
  id: 'a',
  title: 'Loft',
  lat: 40.7,
  lon: -73.9,
  price: 2500,
  currency: 'USD',
  pricePer: 'month',
  type: 'entire',
  district: 'Manhattan',
  neighbourhood: 'SoHo',
  bedrooms: 1,
  listedAt: LISTED,
  updatedAt: LISTED,
};

describe('applyWrite', () => {
  it('a new listing is written as sent, updated when it was listed', () => {
    const record = { ...stored, updatedAt: 123 };
    expect(applyWrite(null, { op: 'put', record }, NOW)).toEqual({ kind: 'written', before: null, after: { ...stored, updatedAt: LISTED } });
  });

  it('a PUT over a listing keeps when it was listed and takes the commit time as updated', () => {
    const r = applyWrite(stored, { op: 'put', record: { ...stored, price: 2400, listedAt: NOW - 5 } }, NOW);
    // The price before and when it changed are kept for the list's price-cut order.
    expect(r).toEqual({ kind: 'written', before: stored, after: { ...stored, price: 2400, listedAt: LISTED, updatedAt: NOW, previousPrice: 2500, priceChangedAt: NOW } });
  });

  it('a PATCH changes only its fields, and may set when it was listed', () => {
    expect(applyWrite(stored, { op: 'patch', id: 'a', patch: { price: 2300, bedrooms: null } }, NOW)).toEqual({
      kind: 'written',
      before: stored,
      after: { ...stored, price: 2300, bedrooms: null, updatedAt: NOW, previousPrice: 2500, priceChangedAt: NOW },
    });
    expect(applyWrite(stored, { op: 'patch', id: 'a', patch: { listedAt: LISTED - 1 } }, NOW)).toEqual({
      kind: 'written',
      before: stored,
      after: { ...stored, listedAt: LISTED - 1, updatedAt: NOW },
    });
  });

  it('a write equal to what is stored changes nothing, not even updatedAt', () => {
    expect(applyWrite(stored, { op: 'put', record: { ...stored, updatedAt: NOW } }, NOW)).toEqual({ kind: 'unchanged', listing: stored });
    expect(applyWrite(stored, { op: 'patch', id: 'a', patch: { price: 2500 } }, NOW)).toEqual({ kind: 'unchanged', listing: stored });
    // USD a month is what a record without currency or period means.
    const { currency: _c, pricePer: _p, ...bare } = stored;
    expect(applyWrite(stored, { op: 'put', record: bare as ListingRecord }, NOW).kind).toBe('unchanged');
    expect(applyWrite(stored, { op: 'patch', id: 'a', patch: { description: '' } }, NOW).kind).toBe('unchanged');
  });

  it('a change in any shown field is a write', () => {
    const changes: Partial<ListingRecord>[] = [
      { title: 'Loft!' },
      { lat: 40.71 },
      { lon: -73.91 },
      { currency: 'EUR' },
      { pricePer: 'night' },
      { type: 'private' },
      { district: 'Brooklyn' },
      { neighbourhood: 'Tribeca' },
      { bedrooms: 2 },
      { description: 'Sunny' },
      { photos: ['https://example.com/1.jpg'] },
    ];
    for (const patch of changes) expect(applyWrite(stored, { op: 'patch', id: 'a', patch }, NOW).kind, JSON.stringify(patch)).toBe('written');
  });

  it('PATCH and DELETE of a missing listing find nothing; DELETE of one removes it', () => {
    expect(applyWrite(null, { op: 'patch', id: 'a', patch: { price: 1 } }, NOW)).toEqual({ kind: 'missing' });
    expect(applyWrite(null, { op: 'remove', id: 'a' }, NOW)).toEqual({ kind: 'missing' });
    expect(applyWrite(stored, { op: 'remove', id: 'a' }, NOW)).toEqual({ kind: 'removed', before: stored });
  });

  it('replacePhotos swaps the URLs it names in place, drops those mapped to null, never doubles a photo, and leaves the rest', () => {
    const own = (c: string) => `/photos/${c.repeat(64)}`;
    const withPhotos = { ...stored, photos: ['https://cdn.example/1.jpg', own('a'), 'https://cdn.example/2.jpg', 'https://other.example/3.jpg', 'https://cdn.example/dead.jpg', 'https://cdn.example/1b.jpg'] };
    const r = applyWrite(
      withPhotos,
      {
        op: 'patch',
        id: 'a',
        patch: {},
        // 1b.jpg is the same picture as 1.jpg (one content hash); 2.jpg is the one uploaded already.
        replacePhotos: { 'https://cdn.example/1.jpg': own('b'), 'https://cdn.example/2.jpg': own('a'), 'https://cdn.example/dead.jpg': null, 'https://cdn.example/1b.jpg': own('b'), 'https://gone.example/x.jpg': own('c') },
      },
      NOW,
    );
    expect(r).toEqual({ kind: 'written', before: withPhotos, after: { ...withPhotos, photos: [own('b'), own('a'), 'https://other.example/3.jpg'], updatedAt: NOW } });
    // Nothing it names is there (a write took them away meanwhile): nothing changes.
    expect(applyWrite(stored, { op: 'patch', id: 'a', patch: {}, replacePhotos: { 'https://cdn.example/1.jpg': own('b') } }, NOW)).toEqual({ kind: 'unchanged', listing: stored });
  });
});
