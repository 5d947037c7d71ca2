import type { ListingRecord } from '../../core/listing';
import { siblingModule, startWorker } from '../../worker-thread';
import { RowUnpacker } from './sqlite-listing-row';
import type { SnapshotMessage, SnapshotWorkerData } from './sqlite-snapshot-worker';

/** Rows a batch: 10,000 keeps a batch near 1 MB and a thousand messages per million. */
const BATCH_ROWS = 10_000;

/**
 * Every listing in the SQLite file and the log sequence number they reflect, read on a
 * worker thread while this one takes the records: building the index at start is then
 * about as long as the slower of reading and indexing, not their sum (reading 1M rows
 * is ~3.7 s of it). The worker reads in one transaction, as SqliteStore.snapshot does.
 */
export function snapshotOnWorker(dataDir: string, onRecord: (r: ListingRecord) => void, onSeq?: (seq: number) => void): Promise<number> {
  const worker = startWorker(siblingModule('sqlite-snapshot-worker', import.meta.url), { dataDir, batchRows: BATCH_ROWS } satisfies SnapshotWorkerData);
  const unpacker = new RowUnpacker();
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const settle = (err: Error | null, seq = 0): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if (err) reject(err);
      else resolve(seq);
    };
    worker.on('message', (m: SnapshotMessage) => {
      try {
        if ('batch' in m) unpacker.each(m.batch, onRecord);
        else if ('seq' in m) onSeq?.(m.seq);
        else if ('done' in m) settle(null, m.done);
        else settle(new Error(`reading the listings failed: ${m.error}`));
      } catch (err) {
        settle(err as Error);
      }
    });
    worker.on('error', (err) => settle(err));
    worker.on('exit', (code) => settle(new Error(`the snapshot reader stopped (exit ${code}) before it was done`)));
  });
}
