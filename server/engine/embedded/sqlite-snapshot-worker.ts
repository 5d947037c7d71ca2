/**
 * The thread that reads a snapshot of the listings (sqlite-snapshot.ts): every row and
 * the log's last sequence number in one read transaction, posted in batches.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { COLUMNS, RowPacker, type Row, type RowBatch } from './sqlite-listing-row';

export interface SnapshotWorkerData {
  file: string;
  batchRows: number;
}

export type SnapshotMessage = { batch: RowBatch } | { done: number } | { error: string };

const { file, batchRows } = workerData as SnapshotWorkerData;
const port = parentPort!;
try {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  const lastSeq = db.prepare('SELECT COALESCE(MAX(seq), 0) FROM changes').pluck();
  const all = db.prepare(`SELECT ${COLUMNS} FROM listings`).raw();
  const packer = new RowPacker();
  const post = (): void => {
    const batch = packer.take();
    port.postMessage({ batch } satisfies SnapshotMessage, [batch.numbers.buffer, batch.codes.buffer]);
  };
  let seq = 0;
  db.transaction(() => {
    seq = lastSeq.get() as number;
    for (const row of all.iterate() as IterableIterator<Row>) {
      packer.add(row);
      if (packer.size === batchRows) post();
    }
  }).deferred();
  if (packer.size > 0) post();
  db.close();
  port.postMessage({ done: seq } satisfies SnapshotMessage);
} catch (err) {
  port.postMessage({ error: (err as Error).message } satisfies SnapshotMessage);
}
