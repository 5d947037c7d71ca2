/**
 * The SQLite store's batch write inserts new listings a statement of many at a time and
 * reads only the rows already stored (new-listings-insert.ts): a batch that mixes new rows,
 * stored rows (changed and unchanged) and an id twice must still count, merge and log
 * each as one row at a time did.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ListingRecord } from '../server/core/listing';
import { SqliteStore } from '../server/engine/embedded/sqlite-store';
import { ROWS_A_STATEMENT } from '../server/engine/embedded/new-listings-insert';
import { tempDir } from './helpers/roost';

const LISTED = Date.UTC(2026, 0, 1);

function home(n: number, price = 2000): ListingRecord {
  return { id: `h${n}`, title: `Home ${n}`, lat: 40.7 + n * 1e-5, lon: -73.95, price, currency: 'USD', pricePer: 'month', type: 'entire', district: 'Brooklyn', neighbourhood: 'Williamsburg', bedrooms: 2, listedAt: LISTED, updatedAt: LISTED };
}

let store: SqliteStore | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

describe('a batch of listings into the SQLite store', () => {
  it('into an empty store: every row inserted, each with its change row in the order given', () => {
    store = new SqliteStore(tempDir('bulk-empty'));
    const batch = Array.from({ length: ROWS_A_STATEMENT * 3 + 5 }, (_, i) => home(i));
    expect(store.upsertMany(batch)).toEqual({ inserted: batch.length, updated: 0, changed: batch.length });
    const log = store.changesAfter(0, 1_000);
    expect(log.map((e) => e.listingId)).toEqual(batch.map((r) => r.id));
    expect(log.every((e) => e.op === 'upsert' && e.before === null)).toBe(true);
    expect(log[7]!.after).toEqual(batch[7]);
    expect(store.get('h100')).toEqual(batch[100]);
  });

  it('into a store that has some: stored rows are updated (listedAt kept, price cut kept), unchanged ones left alone, an id twice written twice', () => {
    store = new SqliteStore(tempDir('bulk-mixed'));
    // Stored: every third of the first 150.
    const stored = Array.from({ length: 50 }, (_, i) => home(i * 3));
    store.upsertMany(stored);
    const seqBefore = store.lastSeq();
    const later = LISTED + 86_400_000;
    const batch: ListingRecord[] = [];
    for (let i = 0; i < 150; i++) {
      // Stored ones: the even ones at a new price, the odd ones as they are (a re-import).
      const r = home(i, i % 3 === 0 && i % 2 === 0 ? 1500 : 2000);
      batch.push({ ...r, listedAt: later, updatedAt: later });
    }
    // A new id twice inside the first statement's rows: inserted, then updated.
    batch.splice(10, 0, { ...home(1000, 3000), listedAt: later, updatedAt: later });
    batch.splice(20, 0, { ...home(1000, 2500), listedAt: later, updatedAt: later });
    const counts = store.upsertMany(batch);
    const newIds = 100 + 1; // 150 minus the 50 stored, and h1000
    const storedChanged = 25; // i = 0, 6, 12, … 144
    expect(counts).toEqual({ inserted: newIds, updated: 50 + 1, changed: newIds + storedChanged + 1 });

    const cut = store.get('h6')!;
    expect(cut.price).toBe(1500);
    expect(cut.listedAt).toBe(LISTED); // the stored listing keeps when it was listed
    expect(cut.previousPrice).toBe(2000);
    const same = store.get('h3')!;
    expect(same.updatedAt).toBe(LISTED); // unchanged: not written
    const twice = store.get('h1000')!;
    expect(twice.price).toBe(2500);
    expect(twice.previousPrice).toBe(3000);
    expect(store.get('h1')!.listedAt).toBe(later);

    const log = store.changesAfter(seqBefore, 1_000);
    expect(log).toHaveLength(counts.changed);
    // Each listing's own changes in the order of the batch: h1000 inserted, then updated.
    const h1000 = log.filter((e) => e.listingId === 'h1000');
    expect(h1000.map((e) => [e.before?.price ?? null, e.after?.price])).toEqual([
      [null, 3000],
      [3000, 2500],
    ]);
    expect(log.filter((e) => e.listingId === 'h3')).toEqual([]);
    expect(log.find((e) => e.listingId === 'h6')!.before!.price).toBe(2000);
  });
});
