/**
 * The snapshot read on a worker thread against the store's own reads: every listing as
 * `get` returns it, the log's last sequence number, across batch boundaries, with the
 * fields a row may lack (bedrooms, description, photos, bathrooms, guests, amenities) and names
 * only one row has.
 */
import { describe, expect, it } from 'vitest';
import type { ListingRecord } from '../server/core/listing';
import { demoCity } from '../server/demo/demo-city';
import { snapshotOnWorker } from '../server/engine/embedded/sqlite-snapshot';
import { SqliteStore } from '../server/engine/embedded/sqlite-store';
import { tempDir } from './helpers/roost';

describe('snapshot on a worker thread', () => {
  it('reads every listing as the store holds it, and the sequence number they reflect', async () => {
    const dataDir = tempDir('snapshot');
    const store = new SqliteStore(dataDir);
    const city = [...demoCity(23_456, 5)];
    // The demo's homes have bathrooms, guests and amenities: one without any.
    const { bathrooms: _b, guests: _g, amenities: _a, ...plain } = city[1]!;
    const odd: ListingRecord[] = [
      { ...city[0]!, id: 'odd-1', title: '静安寺旁 loft ❤️', bedrooms: null, description: 'Near <b>the</b> park', photos: ['https://example.com/a.jpg'], bathrooms: 1.5, guests: 3, amenities: ['Wifi', '暖气'], currency: 'CNY', pricePer: 'night', district: 'Jing’an', neighbourhood: 'Nanjing Xi Lu' },
      { ...plain, id: 'odd-2', title: 'x', bedrooms: 0, price: 0 },
    ];
    store.upsertMany([...city, ...odd]);
    store.write({ op: 'patch', id: city[2]!.id, patch: { price: city[2]!.price + 1 } });
    store.removeMany([city[3]!.id]);

    const got = new Map<string, ListingRecord>();
    let told: { seq: number; before: number } | null = null;
    const seq = await snapshotOnWorker(
      dataDir,
      (r) => got.set(r.id, r),
      (s) => (told = { seq: s, before: got.size }),
    );

    expect(seq).toBe(store.lastSeq());
    expect(told).toEqual({ seq, before: 0 });
    expect(got.size).toBe(store.count());
    expect(got.has(city[3]!.id)).toBe(false);
    for (const [id, r] of got) expect(r, id).toEqual(store.get(id));
    expect(got.get('odd-1')).toMatchObject({ title: '静安寺旁 loft ❤️', bedrooms: null, currency: 'CNY', photos: ['https://example.com/a.jpg'], bathrooms: 1.5, guests: 3, amenities: ['Wifi', '暖气'] });
    expect(got.get('odd-2')).not.toHaveProperty('bathrooms');
    // A price changed through the API: the price before and when, through the worker's packing too.
    expect(got.get(city[2]!.id)).toMatchObject({ previousPrice: city[2]!.price, priceChangedAt: expect.any(Number) });
  });

  it('a DATA_DIR without a store is refused, not read as empty', async () => {
    await expect(snapshotOnWorker(tempDir('snapshot-missing'), () => undefined)).rejects.toThrow(/reading the listings failed/);
  });
});
