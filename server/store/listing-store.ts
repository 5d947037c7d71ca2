import type { ChangeEvent, ListingWrite, WriteOutcome } from '../changes/change-event';
import type { ListingRecord } from '../core/listing';
import type { SearchDefinition, WriteCounts } from '../engine/search-engine';

/** A saved search's area changed (null: removed), at a version of the areas' own log. */
export interface SearchAreaChange {
  version: number;
  id: string;
  search: SearchDefinition | null;
}

/**
 * The system of record for listings and their change log (the outbox: one row per
 * accepted write, in the write's own transaction, sequence numbers in commit order), the
 * saved searches' areas the matcher reads, and small metadata. SQLite in DATA_DIR on one
 * machine, PostgreSQL (DATABASE_URL) across hosts; the in-memory index follows the log of
 * either. One contract suite (test/store-contract.test.ts) runs on both.
 */
export interface ListingStore {
  readonly name: string;
  get(id: string): Promise<ListingRecord | null>;
  count(): Promise<number>;
  /**
   * Insert or update by id, each with its change event, in one transaction. An update
   * keeps the stored `listedAt`; a record equal to the stored one writes nothing.
   */
  upsertMany(records: ListingRecord[]): Promise<WriteCounts & { changed: number }>;
  /** One API write: read, merge, write and log in one transaction; answers after the commit. */
  write(w: ListingWrite): Promise<WriteOutcome>;
  /** Removes by id, each with its change event; counts those that existed. */
  removeMany(ids: string[]): Promise<number>;
  /** Each price the listing has had, from when, oldest first; repeats dropped. */
  priceHistory(id: string): Promise<{ at: number; price: number }[]>;
  lastSeq(): Promise<number>;
  /** Changes committed after `seq`, oldest first, at most `limit`. */
  changesAfter(seq: number, limit?: number): Promise<ChangeEvent[]>;
  /**
   * Every listing and the sequence number they reflect, read in one snapshot; `onSeq` hears
   * that number before the first listing (a rebuild versions what it writes by it).
   */
  snapshot(onRecord: (r: ListingRecord) => void, onSeq?: (seq: number) => void): Promise<number>;
  putSearchArea(search: SearchDefinition): Promise<void>;
  removeSearchArea(id: string): Promise<void>;
  /** Every area and the version of the areas' log they reflect, read together. */
  searchAreasAt(): Promise<{ version: number; areas: SearchDefinition[] }>;
  searchAreaChanges(after: number): Promise<SearchAreaChange[]>;
  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;
  /** Sets a key only if it has none yet (two nodes racing agree on the first); the value it holds. */
  metaOnce(key: string, value: string): Promise<string>;
  /**
   * Takes or renews a named lease for `leaseMs` on the store's clock (one clock for every
   * host); true when `node` holds it. A holder that dies stops renewing and loses it.
   */
  claimLease(name: string, node: string, leaseMs: number): Promise<boolean>;
  releaseLease(name: string, node: string): Promise<void>;
  /** The connection pool's use, where the store has one (PostgreSQL), for /metrics. */
  poolUse?(): { total: number; idle: number; waiting: number };
  /** Throws when the store cannot be read (for /readyz). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
