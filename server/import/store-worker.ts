/**
 * The embedded store's writes on a thread of their own, for `npm run import`: SQLite's
 * writes are synchronous, so on the main thread parsing waited for every batch to commit
 * and the two added up (CSV: 30,500–31,800 rows/s at 1M rows). Here the importer parses
 * the next batch while this thread commits the last one.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ListingRecord } from '../core/listing';
import { SqliteStore } from '../engine/embedded/sqlite-store';

export interface StoreWorkerData {
  dataDir: string;
}

export type StoreRequest = { id: number; op: 'upsert'; records: ListingRecord[] } | { id: number; op: 'meta'; key: string; value: string };
export type StoreReply = { id: number; inserted: number; updated: number } | { id: number; error: string };

const store = new SqliteStore((workerData as StoreWorkerData).dataDir);
parentPort!.on('message', (req: StoreRequest | 'close') => {
  if (req === 'close') {
    store.close();
    parentPort!.close();
    return;
  }
  try {
    if (req.op === 'meta') {
      store.setMeta(req.key, req.value);
      parentPort!.postMessage({ id: req.id, inserted: 0, updated: 0 } satisfies StoreReply);
    } else {
      const { inserted, updated } = store.upsertMany(req.records);
      parentPort!.postMessage({ id: req.id, inserted, updated } satisfies StoreReply);
    }
  } catch (err) {
    parentPort!.postMessage({ id: req.id, error: (err as Error).message } satisfies StoreReply);
  }
});
