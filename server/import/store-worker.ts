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
import { SnapshotWhileImporting } from './snapshot-while-importing';

/**
 * Which store: PostgreSQL when a database URL is given, else the SQLite store in DATA_DIR;
 * `snapshot`: build the search index on the way and leave it as DATA_DIR's index snapshot
 * when the store was empty (snapshot-while-importing.ts).
 */
export type StoreWorkerData = { dataDir: string; snapshot?: boolean } | { databaseUrl: string };

/** What the thread says before it exits: whether it left an index snapshot, and if not why. */
export interface SnapshotOutcome {
  snapshot: { written: boolean; reason: string };
}

export type StoreRequest = { id: number; op: 'upsert'; records: ListingRecord[] } | { id: number; op: 'meta'; key: string; value: string };
export type StoreReply = { id: number; inserted: number; updated: number } | { id: number; error: string };

interface ImportStore {
  upsertMany(records: ListingRecord[]): { inserted: number; updated: number } | Promise<{ inserted: number; updated: number }>;
  setMeta(key: string, value: string): void | Promise<void>;
  close(): void | Promise<void>;
}

const data = workerData as StoreWorkerData;
// Asked before the store is opened here: the emptiness of the store as the import found it.
const indexing: Promise<SnapshotWhileImporting | null> =
  'dataDir' in data && data.snapshot ? SnapshotWhileImporting.before(data.dataDir) : Promise.resolve(null);
let inserted = 0;
const opening: Promise<ImportStore> =
  'databaseUrl' in data
    ? openDatabase({ url: data.databaseUrl, poolMax: 2 }).then((pool) => new PostgresListingStore(pool))
    : indexing.then(() => new SqliteStore(data.dataDir));

// Requests are done one after another, in the order sent: batches reach the store in file order.
let queue: Promise<unknown> = Promise.resolve();
parentPort!.on('message', (req: StoreRequest | 'close') => {
  queue = queue.then(async () => {
    if (req === 'close') {
      await (await opening.catch(() => null))?.close();
      const indexer = await indexing.catch(() => null);
      if (indexer) {
        const snapshot = await indexer.finish(inserted).catch((err: unknown) => ({ written: false, reason: (err as Error).message }));
        parentPort!.postMessage({ snapshot } satisfies SnapshotOutcome);
      }
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
        // Indexed after the answer: the parsing thread goes on meanwhile.
        inserted += counts.inserted;
        (await indexing)?.add(req.records);
      }
    } catch (err) {
      parentPort!.postMessage({ id: req.id, error: (err as Error).message } satisfies StoreReply);
    }
  });
});
