import type { Worker } from 'node:worker_threads';
import { siblingModule, startWorker } from '../worker-thread';
import type { ListingRecord } from '../core/listing';
import type { WriteCounts } from '../engine/search-engine';
import type { ListingSink } from './importer';
import type { StoreReply, StoreRequest, StoreWorkerData } from './store-worker';

/** The store refused a batch (its message says why: a lost database, a full disk). */
export class StoreWriteFailed extends Error {}

/** A request before it is numbered: Omit on each member, as Omit on the union would merge them. */
type Unnumbered<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * The store behind a worker thread (store-worker.ts), as the importer's sink:
 * each batch is posted and answered when committed, in order.
 */
export class WorkerStoreSink implements ListingSink {
  private readonly worker: Worker;
  private next = 1;
  private readonly waiting = new Map<number, { resolve(c: WriteCounts): void; reject(e: Error): void }>();
  private failed: Error | null = null;

  constructor(store: StoreWorkerData) {
    this.worker = startWorker(siblingModule('store-worker', import.meta.url), store);
    this.worker.on('message', (reply: StoreReply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply) w?.reject(new StoreWriteFailed(reply.error));
      else w?.resolve({ inserted: reply.inserted, updated: reply.updated });
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`the store thread exited with code ${code}`));
    });
  }

  private fail(err: Error): void {
    this.failed = err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }

  private send(req: Unnumbered<StoreRequest>): Promise<WriteCounts> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...req, id });
    });
  }

  upsertMany(records: ListingRecord[]): Promise<WriteCounts> {
    return this.send({ op: 'upsert', records });
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.send({ op: 'meta', key, value });
  }

  /** Waits for the thread to close the store (its last commit is then on disk). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.worker.once('exit', () => resolve());
      this.worker.postMessage('close');
    });
  }
}
