/**
 * One contract for the photo importer's record — its queue of listings, what each external
 * URL became, its place in the change log — run on SQLite (photos.db) and on a PostgreSQL
 * server of our own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoImportStore, PhotoSource } from '../server/photos/photo-import-store';
import { PostgresPhotoImportStore } from '../server/photos/postgres-photo-import-store';
import { SqlitePhotoImportStore } from '../server/photos/sqlite-photo-import-store';
import { SqlitePhotoStore } from '../server/photos/sqlite-photo-store';
import { storeLegs } from './helpers/store-legs';

const legs = storeLegs<PhotoImportStore>('photo import store contract', {
  sqlite: async (dir) => {
    // Beside the photos in one file, opened by both.
    const photos = new SqlitePhotoStore(dir);
    await photos.put('f'.repeat(64), [{ width: 400, height: 300, bytes: Buffer.from([1]) }]);
    await photos.close();
    return new SqlitePhotoImportStore(dir);
  },
  postgres: (pool) => new PostgresPhotoImportStore(pool),
});

for (const leg of legs) {
  describe(`photo import store contract: ${leg.name}`, () => {
    let s: PhotoImportStore;
    beforeAll(async () => {
      s = await leg.open();
    }, 60_000);
    afterAll(async () => {
      await s?.close();
      await leg.done();
    });

    it('a queue of listings by due time: the sooner time wins, rescheduled, done', async () => {
      expect(await s.cursor()).toBeNull();
      expect(await s.due(Date.now(), 10)).toEqual([]);
      await s.enqueue(['b', 'a', 'c', 'a'], 100);
      expect(await s.queued()).toBe(3);
      expect(await s.due(100, 10)).toEqual(['a', 'b', 'c']);
      expect(await s.due(99, 10)).toEqual([]);
      expect(await s.due(100, 2)).toEqual(['a', 'b']);
      // Queued again later: it keeps its sooner turn. Queued again sooner: it moves up.
      await s.enqueue(['a'], 500);
      await s.enqueue(['c'], 50);
      expect(await s.due(100, 10)).toEqual(['c', 'a', 'b']);
      await s.reschedule('a', 1_000);
      expect(await s.due(999, 10)).toEqual(['c', 'b']);
      expect(await s.due(1_000, 10)).toEqual(['c', 'b', 'a']);
      await s.done('c');
      await s.done('never-queued');
      expect(await s.due(1_000, 10)).toEqual(['b', 'a']);
      await s.done('a');
      await s.done('b');
      expect(await s.queued()).toBe(0);
    });

    it('the cursor moves with the listings it queued, never without them, and names the hosts it was read for', async () => {
      await s.enqueue(['x'], 10, { seq: 42, hosts: 'a0.muscache.com' });
      expect(await s.cursor()).toEqual({ seq: 42, hosts: 'a0.muscache.com' });
      expect(await s.due(10, 10)).toEqual(['x']);
      // Nothing to queue: the cursor moves alone.
      await s.enqueue([], 10, { seq: 50, hosts: 'a0.muscache.com' });
      expect(await s.cursor()).toEqual({ seq: 50, hosts: 'a0.muscache.com' });
      // A whole store's worth, in several transactions: all queued, then the cursor.
      const many = Array.from({ length: 12_001 }, (_, i) => `m-${String(i).padStart(5, '0')}`);
      await s.enqueue(many, 20, { seq: 60, hosts: 'a0.muscache.com,img.test' });
      expect(await s.queued()).toBe(12_002);
      expect(await s.cursor()).toEqual({ seq: 60, hosts: 'a0.muscache.com,img.test' });
      expect(await s.due(20, 3)).toEqual(['x', 'm-00000', 'm-00001']);
    });

    it('what each URL became: fetched (a hash), failing with its retry time, or given up', async () => {
      const fetched: PhotoSource = { url: 'https://img.test/1.jpg', hash: 'a'.repeat(64), failures: 1, dead: false, retryAt: 0, lastError: null };
      const failing: PhotoSource = { url: 'https://img.test/2.jpg', hash: null, failures: 2, dead: false, retryAt: 1_234_567, lastError: 'timeout: no answer within 10000 ms' };
      const dead: PhotoSource = { url: 'https://img.test/3.jpg', hash: null, failures: 1, dead: true, retryAt: 0, lastError: 'http_status: answered 404' };
      for (const src of [fetched, failing, dead]) await s.record(src);
      const got = await s.sources([fetched.url, failing.url, dead.url, 'https://img.test/never.jpg']);
      expect([...got.keys()].sort()).toEqual([fetched.url, failing.url, dead.url]);
      expect(got.get(fetched.url)).toEqual(fetched);
      expect(got.get(failing.url)).toEqual(failing);
      expect(got.get(dead.url)).toEqual(dead);
      // A retry that worked replaces the failure.
      const later: PhotoSource = { ...failing, hash: 'b'.repeat(64), retryAt: 0, lastError: null };
      await s.record(later);
      expect((await s.sources([failing.url])).get(failing.url)).toEqual(later);
      expect((await s.sources([])).size).toBe(0);
    });
  });
}
