/**
 * The store's writes on a thread of their own, for `npm run import`. SQLite's writes are
 * synchronous: on the main thread parsing waited for every batch to commit and the two
 * added up (CSV: 30,500–31,800 rows/s at 1M rows). PostgreSQL's are not, but serialising
 * a batch for COPY cost the parsing thread a third of its time (BENCHMARKS.md). Here the
 * importer parses the next batch while this thread writes the last one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ListingRecord } from '../core/listing';
import { SqliteStore } from '../engine/embedded/sqlite-store';
import { openDatabase } from '../store/postgres/database';
import { PostgresListingStore } from '../store/postgres/postgres-listing-store';

/** Which store: PostgreSQL when a database URL is given, else the SQLite store in DATA_DIR. */
export type StoreWorkerData = { dataDir: string } | { databaseUrl: string };

export type StoreRequest = { id: number; op: 'upsert'; records: ListingRecord[] } | { id: number; op: 'meta'; key: string; value: string };
export type StoreReply = { id: number; inserted: number; updated: number } | { id: number; error: string };

interface ImportStore {
  upsertMany(records: ListingRecord[]): { inserted: number; updated: number } | Promise<{ inserted: number; updated: number }>;
  setMeta(key: string, value: string): void | Promise<void>;
  close(): void | Promise<void>;
}

const data = workerData as StoreWorkerData;
const opening: Promise<ImportStore> =
  'databaseUrl' in data ? openDatabase({ url: data.databaseUrl, poolMax: 2 }).then((pool) => new PostgresListingStore(pool)) : Promise.resolve(openSqlite(data.dataDir));

/**
 * The SQLite store for a bulk write: a larger page cache (the default 2 MB holds little of
 * a store of millions of rows, whose inserts land all over its B-trees) and checkpoints
 * every 40 MB of log instead of every 4 MB (each copies the same hot pages again). Neither
 * touches durability: every commit is still on disk when it returns (synchronous FULL).
 */
function openSqlite(dataDir: string): SqliteStore {
  const store = new SqliteStore(dataDir);
  store.db.pragma('cache_size = -262144');
  store.db.pragma('wal_autocheckpoint = 10000');
  return store;
}

// Requests are done one after another, in the order sent: batches reach the store in file order.
let queue: Promise<unknown> = Promise.resolve();
parentPort!.on('message', (req: StoreRequest | 'close') => {
  queue = queue.then(async () => {
    if (req === 'close') {
      await (await opening.catch(() => null))?.close();
      parentPort!.close();
      return;
    }
    try {
      const store = await opening;
      if (req.op === 'meta') {
        await store.setMeta(req.key, req.value);
        parentPort!.postMessage({ id: req.id, inserted: 0, updated: 0 } satisfies StoreReply);
      } else {
        const counts = await store.upsertMany(req.records);
        parentPort!.postMessage({ id: req.id, inserted: counts.inserted, updated: counts.updated } satisfies StoreReply);
      }
    } catch (err) {
      parentPort!.postMessage({ id: req.id, error: (err as Error).message } satisfies StoreReply);
    }
  });
});
