/**
 * One contract for the system of record, run on SQLite (DATA_DIR) and on a PostgreSQL
 * server of our own: the listings, the change log in commit order, the saved searches'
 * areas and metadata, and what survives a reopen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listingOf, type ListingRecord } from '../server/core/listing';
import type { ListingStore } from '../server/store/listing-store';
import { SqliteListingStore } from '../server/store/sqlite-listing-store';
import { openDatabase } from '../server/store/postgres/database';
import { PostgresListingStore } from '../server/store/postgres/postgres-listing-store';
import { postgresBin, PostgresServer } from './helpers/postgres-server';
import { tempDir } from './helpers/roost';

function home(id: string, price = 2000, extra: Partial<ListingRecord> = {}): ListingRecord {
  return {
    id,
    title: `Home ${id}`,
    lat: 40.7 + Number.parseInt(id.replace(/\D/g, '') || '0', 10) * 1e-4,
    lon: -73.95,
    price,
    type: 'entire',
    district: 'Brooklyn',
    neighbourhood: 'Williamsburg',
    bedrooms: 2,
    listedAt: Date.UTC(2026, 0, 1),
    updatedAt: Date.UTC(2026, 0, 1),
    ...extra,
  };
}

interface Leg {
  name: string;
  open(): Promise<ListingStore>;
  /** The same store opened again, as after a restart. */
  reopen(): Promise<ListingStore>;
  done(): Promise<void>;
}

let pgServer: PostgresServer | null = null;

const legs: Leg[] = [];
{
  const dir = tempDir('store-contract');
  legs.push({
    name: 'SQLite',
    open: async () => new SqliteListingStore(dir),
    reopen: async () => new SqliteListingStore(dir),
    done: async () => undefined,
  });
}
if (postgresBin()) {
  let url = '';
  legs.push({
    name: 'PostgreSQL',
    open: async () => {
      pgServer = await PostgresServer.start();
      url = await pgServer.createDatabase('store_contract');
      return new PostgresListingStore(await openDatabase({ url, poolMax: 8 }));
    },
    reopen: async () => new PostgresListingStore(await openDatabase({ url, poolMax: 8 })),
    done: async () => pgServer?.stop(),
  });
} else {
  // CI installs postgresql (.ci/run): there this leg runs.
  console.log('store contract, PostgreSQL leg skipped: no server binaries under /usr/lib/postgresql');
}

for (const leg of legs) {
  describe(`store contract: ${leg.name}`, () => {
    let store: ListingStore;
    beforeAll(async () => {
      store = await leg.open();
    }, 60_000);
    afterAll(async () => {
      await store.close();
      await leg.done();
    });

    it('upserts count new and updated, keep listedAt, write nothing for an equal record, and log each change', async () => {
      const from = await store.lastSeq();
      expect(await store.upsertMany([home('a1'), home('a2')])).toEqual({ inserted: 2, updated: 0, changed: 2 });
      expect(await store.upsertMany([home('a1'), home('a2', 2500, { listedAt: Date.UTC(2026, 5, 1) })])).toEqual({ inserted: 0, updated: 2, changed: 1 });
      const a2 = await store.get('a2');
      expect(a2?.price).toBe(2500);
      expect(a2?.listedAt).toBe(Date.UTC(2026, 0, 1));
      const log = await store.changesAfter(from);
      expect(log.map((c) => `${c.listingId} ${c.op} ${c.before?.price ?? '-'}→${c.after?.price ?? '-'}`)).toEqual(['a1 upsert -→2000', 'a2 upsert -→2000', 'a2 upsert 2000→2500']);
      expect(log.map((c) => c.seq)).toEqual([from + 1, from + 2, from + 3]);
      expect(await store.count()).toBe(2);
    });

    it('keeps any text as it came (backslashes, tabs, newlines, quotes, CJK) and the last of one id in a batch', async () => {
      const odd = home('t1', 1234, { title: 'C:\\path\\to "flat"\twith\ttabs', description: 'line one\nline two\r\n静安区 \\N not null' });
      const from = await store.lastSeq();
      expect(await store.upsertMany([odd, { ...odd, price: 1300 }, home('t2')])).toEqual({ inserted: 2, updated: 1, changed: 3 });
      const got = await store.get('t1');
      expect(got?.title).toBe(odd.title);
      expect(got?.description).toBe(odd.description);
      expect(got?.price).toBe(1300);
      const log = await store.changesAfter(from);
      expect(log.map((c) => `${c.listingId} ${c.before?.price ?? '-'}→${c.after?.price}`)).toEqual(['t1 -→1234', 't1 1234→1300', 't2 -→2000']);
      expect(log[1]!.after?.description).toBe(odd.description);
    });

    it('keeps bathrooms, guests and amenities, in the record, its snapshot and its log; a patch clears them', async () => {
      const extra = { bathrooms: 1.5, guests: 4, amenities: ['Wifi', '暖气', 'Hair "dryer"'] };
      const full = home('f1', 900, extra);
      const from = await store.lastSeq();
      await store.upsertMany([full, home('f2')]);
      expect(await store.get('f1')).toMatchObject(extra);
      expect(await store.get('f2')).not.toHaveProperty('amenities');
      const seen = new Map<string, ListingRecord>();
      await store.snapshot((r) => seen.set(r.id, r));
      expect(seen.get('f1')).toMatchObject(extra);
      expect((await store.changesAfter(from))[0]!.after).toMatchObject(extra);
      // An equal record is no change; a changed amenity list is one.
      expect((await store.upsertMany([{ ...full }])).changed).toBe(0);
      expect((await store.upsertMany([{ ...full, amenities: ['Wifi'] }])).changed).toBe(1);
      const cleared = await store.write({ op: 'patch', id: 'f1', patch: { bathrooms: undefined, guests: undefined, amenities: [] } });
      expect(cleared.listing?.bathrooms).toBeUndefined();
      // As the API shows it (an empty list may be kept as one: it is no amenities either way).
      const shown = listingOf((await store.get('f1'))!);
      expect(['bathrooms', 'guests', 'amenities'].filter((k) => k in shown)).toEqual([]);
    });

    it('API writes: put, patch, remove and a missing id, each with its outcome and one change', async () => {
      const from = await store.lastSeq();
      const put = await store.write({ op: 'put', record: home('w1', 1800) });
      expect(put.existed).toBe(false);
      expect(put.event?.seq).toBe(from + 1);
      const patched = await store.write({ op: 'patch', id: 'w1', patch: { price: 1700 } });
      expect(patched.listing?.price).toBe(1700);
      expect(patched.event?.before?.price).toBe(1800);
      const same = await store.write({ op: 'patch', id: 'w1', patch: { price: 1700 } });
      expect(same.event).toBeNull();
      const missing = await store.write({ op: 'remove', id: 'nope' });
      expect(missing).toEqual({ event: null, listing: null, existed: false });
      const removed = await store.write({ op: 'remove', id: 'w1' });
      expect(removed.event?.op).toBe('remove');
      expect(await store.get('w1')).toBeNull();
      expect((await store.changesAfter(from)).map((c) => c.seq)).toEqual([from + 1, from + 2, from + 3]);
      expect(await store.priceHistory('w1')).toEqual([
        { at: expect.any(Number), price: 1800 },
        { at: expect.any(Number), price: 1700 },
      ]);
    });

    it('removeMany counts what existed and logs each removal', async () => {
      await store.upsertMany([home('r1'), home('r2')]);
      const from = await store.lastSeq();
      expect(await store.removeMany(['r1', 'r2', 'r3'])).toBe(2);
      expect((await store.changesAfter(from)).map((c) => `${c.listingId} ${c.op}`)).toEqual(['r1 remove', 'r2 remove']);
    });

    it('concurrent writers: a follower reading after its cursor meanwhile sees every change once, in sequence order', async () => {
      const from = await store.lastSeq();
      const seen: number[] = [];
      let cursor = from;
      let writing = true;
      const follower = (async () => {
        while (writing || cursor < (await store.lastSeq())) {
          for (const c of await store.changesAfter(cursor, 7)) {
            seen.push(c.seq);
            cursor = c.seq;
          }
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
      await Promise.all(
        [0, 1, 2, 3].map(async (w) => {
          for (let i = 0; i < 40; i++) await store.write({ op: 'put', record: home(`c${w}-${i}`, 1000 + i) });
        }),
      );
      writing = false;
      await follower;
      expect(seen).toHaveLength(160);
      expect(seen).toEqual(Array.from({ length: 160 }, (_, i) => from + 1 + i));
    });

    it('concurrent writers of one listing: one creates it, and every change starts from the one before', async () => {
      const from = await store.lastSeq();
      const outcomes = await Promise.all([0, 1, 2, 3].map((w) => store.write({ op: 'put', record: home('race-1', 2000 + w) })));
      expect(outcomes.filter((o) => !o.existed)).toHaveLength(1);
      await Promise.all(Array.from({ length: 12 }, (_, i) => store.write({ op: 'patch', id: 'race-1', patch: { price: 3000 + i } })));
      const log = await store.changesAfter(from, 100);
      expect(log.filter((c) => c.before === null)).toHaveLength(1);
      // Read-modify-write held: nobody wrote over a state it had not seen.
      for (let i = 1; i < log.length; i++) expect(log[i]!.before, `change ${log[i]!.seq}`).toMatchObject(log[i - 1]!.after!);
      expect((await store.get('race-1'))?.price).toBe(log.at(-1)!.after!.price);
    });

    it('a snapshot holds every listing and the sequence number it reflects, told before the first listing', async () => {
      const ids: string[] = [];
      let told: { seq: number; before: number } | null = null;
      const seq = await store.snapshot(
        (r) => ids.push(r.id),
        (s) => (told = { seq: s, before: ids.length }),
      );
      expect(seq).toBe(await store.lastSeq());
      expect(told).toEqual({ seq, before: 0 });
      expect(ids.length).toBe(await store.count());
      expect(ids).toContain('a1');
    });

    it('saved-search areas: put, replace and remove, logged by version', async () => {
      const before = await store.searchAreasAt();
      await store.putSearchArea({ id: 's1', area: { bbox: [-74, 40.6, -73.9, 40.8] }, filters: {} });
      await store.putSearchArea({ id: 's1', area: { bbox: [-74, 40.6, -73.9, 40.9] }, filters: { priceMax: 3000 } });
      await store.putSearchArea({ id: 's2', area: { polygon: [[-74, 40.6], [-73.9, 40.6], [-73.9, 40.7], [-74, 40.6]] }, filters: {} });
      await store.removeSearchArea('s2');
      const changes = await store.searchAreaChanges(before.version);
      expect(changes.map((c) => `${c.id} ${c.search ? 'put' : 'removed'}`)).toEqual(['s1 put', 's1 put', 's2 put', 's2 removed']);
      const now = await store.searchAreasAt();
      expect(now.version).toBe(changes.at(-1)!.version);
      expect(now.areas).toEqual([{ id: 's1', area: { bbox: [-74, 40.6, -73.9, 40.9] }, filters: { priceMax: 3000 } }]);
    });

    it('a named lease: one holder at a time, renewed by it, taken over when it lapses or is released', async () => {
      expect(await store.claimLease('index', 'node-a', 300)).toBe(true);
      expect(await store.claimLease('index', 'node-b', 300)).toBe(false);
      // Another name is another lease.
      expect(await store.claimLease('other', 'node-b', 300)).toBe(true);
      expect(await store.claimLease('index', 'node-a', 300)).toBe(true);
      await new Promise((r) => setTimeout(r, 400));
      expect(await store.claimLease('index', 'node-b', 5_000)).toBe(true);
      expect(await store.claimLease('index', 'node-a', 300)).toBe(false);
      await store.releaseLease('index', 'node-a'); // not the holder: nothing happens
      expect(await store.claimLease('index', 'node-a', 300)).toBe(false);
      await store.releaseLease('index', 'node-b');
      expect(await store.claimLease('index', 'node-a', 300)).toBe(true);
    });

    it('a value set once: racing setters agree on the first', async () => {
      const got = await Promise.all(['x', 'y', 'z'].map((v) => store.metaOnce('store-id-test', v)));
      expect(new Set(got).size).toBe(1);
      expect(await store.metaOnce('store-id-test', 'later')).toBe(got[0]);
    });

    it('keeps metadata, and everything survives a reopen', async () => {
      await store.setMeta('boundaries', '{"type":"FeatureCollection","features":[]}');
      await store.setMeta('boundaries', '{"type":"FeatureCollection","features":[1]}');
      const seq = await store.lastSeq();
      await store.close();
      store = await leg.reopen();
      expect(await store.getMeta('boundaries')).toBe('{"type":"FeatureCollection","features":[1]}');
      expect(await store.lastSeq()).toBe(seq);
      expect((await store.get('a2'))?.price).toBe(2500);
      await store.ping();
    });
  });
}
