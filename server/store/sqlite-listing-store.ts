import fs from 'node:fs';
import type { ChangeEvent, ListingWrite, WriteOutcome } from '../changes/change-event';
import type { ListingRecord } from '../core/listing';
import { snapshotOnWorker } from '../engine/embedded/sqlite-snapshot';
import { SqliteStore } from '../engine/embedded/sqlite-store';
import type { SearchDefinition, WriteCounts } from '../engine/search-engine';
import type { ListingStore, SearchAreaChange } from './listing-store';

/**
 * A file at least this large is read on a worker thread at start (about 60,000 listings
 * and their log): below it, starting the thread costs more than reading beside it saves.
 */
const WORKER_SNAPSHOT_BYTES = 32 * 1024 * 1024;

/**
 * The SQLite store (DATA_DIR/roost.db) behind the async seam. better-sqlite3 is
 * synchronous and each call is one short transaction, so the promises resolve at once.
 */
export class SqliteListingStore implements ListingStore {
  readonly name = 'sqlite';
  readonly sqlite: SqliteStore;

  constructor(private readonly dataDir: string) {
    this.sqlite = new SqliteStore(dataDir);
  }

  async get(id: string): Promise<ListingRecord | null> {
    return this.sqlite.get(id);
  }
  async count(): Promise<number> {
    return this.sqlite.count();
  }
  async upsertMany(records: ListingRecord[]): Promise<WriteCounts & { changed: number }> {
    return this.sqlite.upsertMany(records);
  }
  async write(w: ListingWrite): Promise<WriteOutcome> {
    return this.sqlite.write(w);
  }
  async removeMany(ids: string[]): Promise<number> {
    return this.sqlite.removeMany(ids);
  }
  async priceHistory(id: string): Promise<{ at: number; price: number }[]> {
    return this.sqlite.priceHistory(id);
  }
  async lastSeq(): Promise<number> {
    return this.sqlite.lastSeq();
  }
  async changesAfter(seq: number, limit?: number): Promise<ChangeEvent[]> {
    return this.sqlite.changesAfter(seq, limit);
  }
  async snapshot(onRecord: (r: ListingRecord) => void, onSeq?: (seq: number) => void): Promise<number> {
    if (fs.statSync(this.sqlite.file).size < WORKER_SNAPSHOT_BYTES) return this.sqlite.snapshot(onRecord, onSeq);
    return snapshotOnWorker(this.dataDir, onRecord, onSeq);
  }
  async putSearchArea(search: SearchDefinition): Promise<void> {
    this.sqlite.putSearchArea(search);
  }
  async removeSearchArea(id: string): Promise<void> {
    this.sqlite.removeSearchArea(id);
  }
  async searchAreasAt(): Promise<{ version: number; areas: SearchDefinition[] }> {
    return this.sqlite.searchAreasAt();
  }
  async searchAreaChanges(after: number): Promise<SearchAreaChange[]> {
    return this.sqlite.searchAreaChanges(after);
  }
  async getMeta(key: string): Promise<string | null> {
    return this.sqlite.getMeta(key);
  }
  async setMeta(key: string, value: string): Promise<void> {
    this.sqlite.setMeta(key, value);
  }
  async metaOnce(key: string, value: string): Promise<string> {
    return this.sqlite.metaOnce(key, value);
  }
  async claimLease(name: string, node: string, leaseMs: number): Promise<boolean> {
    return this.sqlite.claimLease(name, node, leaseMs);
  }
  async releaseLease(name: string, node: string): Promise<void> {
    this.sqlite.releaseLease(name, node);
  }
  async ping(): Promise<void> {
    this.sqlite.ping();
  }
  async close(): Promise<void> {
    this.sqlite.close();
  }
}
