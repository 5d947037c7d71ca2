/**
 * Filling a search index from a store's snapshot while it is read: on real stores
 * (SQLite; PostgreSQL where its binaries are here), with an index that records its bulks.
 * Every listing arrives once, at the snapshot's sequence number, with no more bulks in
 * flight than allowed; on PostgreSQL the first bulk leaves before the reading is done; a
 * refused bulk fails the fill.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ListingRecord } from '../server/core/listing';
import { fillFromSnapshot } from '../server/engine/cluster/snapshot-fill';
import type { ListingStore } from '../server/store/listing-store';
import { openDatabase } from '../server/store/postgres/database';
import { PostgresListingStore } from '../server/store/postgres/postgres-listing-store';
import { SqliteListingStore } from '../server/store/sqlite-listing-store';
import { postgresBin, PostgresServer } from './helpers/postgres-server';
import { tempDir } from './helpers/roost';

const N = 25_000;

function homes(n: number): ListingRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `f-${i}`, title: `Home ${i}`, lat: 40.6 + (i % 500) / 2500, lon: -74 + Math.floor(i / 500) / 250, price: 1000 + (i % 3000), type: 'entire',
    district: 'D', neighbourhood: 'N', bedrooms: i % 4, listedAt: Date.UTC(2026, 0, 1), updatedAt: Date.UTC(2026, 0, 1),
  }));
}

/** An index that takes each bulk after a short while, as a node does, and says what it got. */
class RecordingIndex {
  readonly got = new Map<string, number>();
  inFlight = 0;
  maxInFlight = 0;
  firstBulkAfterReading: number | null = null;
  constructor(private readonly read: () => number, private readonly refuseBulk = -1) {}
  private bulks = 0;
  async fill(records: ListingRecord[], seq: number): Promise<void> {
    this.firstBulkAfterReading ??= this.read();
    const n = this.bulks++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, 5));
    this.inFlight--;
    if (n === this.refuseBulk) throw new Error('429 too many requests');
    for (const r of records) {
      expect(this.got.has(r.id), r.id).toBe(false);
      this.got.set(r.id, seq);
    }
  }
}

/** The store's snapshot, counting the listings read so far. */
function counting(store: ListingStore): { store: ListingStore; read: () => number } {
  let read = 0;
  const counted = Object.create(store) as ListingStore;
  counted.snapshot = (onRecord, onSeq) => store.snapshot((r) => (read++, onRecord(r)), onSeq);
  return { store: counted, read: () => read };
}

const legs: { name: string; open(): Promise<ListingStore>; streams: boolean }[] = [{ name: 'SQLite', open: async () => new SqliteListingStore(tempDir('snapshot-fill')), streams: false }];
let server: PostgresServer | null = null;
if (postgresBin()) {
  legs.push({
    name: 'PostgreSQL',
    open: async () => {
      server = await PostgresServer.start();
      return new PostgresListingStore(await openDatabase({ url: await server.createDatabase('snapshot_fill'), poolMax: 2 }));
    },
    streams: true,
  });
}
afterAll(async () => server?.stop());

for (const leg of legs) {
  describe(`fillFromSnapshot on ${leg.name}`, () => {
    it('every listing once, at the snapshot’s sequence number, at most two bulks in flight; a refused bulk fails it', async () => {
      const store = await leg.open();
      await store.upsertMany(homes(N));
      await store.write({ op: 'remove', id: 'f-7' });
      const { store: counted, read } = counting(store);
      const index = new RecordingIndex(read);
      const { seq, listings } = await fillFromSnapshot(counted, index, 1_000, 2);
      expect(seq).toBe(await store.lastSeq());
      expect(listings).toBe(N - 1);
      expect(index.got.size).toBe(N - 1);
      expect(index.got.has('f-7')).toBe(false);
      expect(new Set(index.got.values())).toEqual(new Set([seq]));
      expect(index.maxInFlight).toBe(2);
      // PostgreSQL reads in batches over the network: the first bulk goes out meanwhile.
      if (leg.streams) expect(index.firstBulkAfterReading).toBeLessThan(N - 1);

      const refusing = new RecordingIndex(read, 3);
      await expect(fillFromSnapshot(counted, refusing, 1_000, 2)).rejects.toThrow(/429/);
      await store.close();
    }, 60_000);
  });
}
