/**
 * The thread that reads a snapshot of the listings (sqlite-snapshot.ts): SqliteStore's own
 * snapshot of the rows, posted in batches.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { RowPacker, type RowBatch } from './sqlite-listing-row';
import { SqliteStore, STORE_FILE } from './sqlite-store';

export interface SnapshotWorkerData {
  dataDir: string;
  batchRows: number;
}

export type SnapshotMessage = { seq: number } | { batch: RowBatch } | { done: number } | { error: string };

const { dataDir, batchRows } = workerData as SnapshotWorkerData;
const port = parentPort!;
try {
  // The store would make a missing file; a snapshot of nothing must not pass for one.
  if (!fs.existsSync(path.join(dataDir, STORE_FILE))) throw new Error(`no store in ${dataDir}`);
  const store = new SqliteStore(dataDir);
  const packer = new RowPacker();
  const post = (): void => {
    const batch = packer.take();
    port.postMessage({ batch } satisfies SnapshotMessage, [batch.numbers.buffer, batch.codes.buffer]);
  };
  const seq = store.snapshotRows(
    (row) => {
      packer.add(row);
      if (packer.size === batchRows) post();
    },
    (s) => port.postMessage({ seq: s } satisfies SnapshotMessage),
  );
  if (packer.size > 0) post();
  store.close();
  port.postMessage({ done: seq } satisfies SnapshotMessage);
} catch (err) {
  port.postMessage({ error: (err as Error).message } satisfies SnapshotMessage);
}
