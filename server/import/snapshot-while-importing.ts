import fs from 'node:fs';
import path from 'node:path';
import type { ListingRecord } from '../core/listing';
import type { ListingSink } from './importer';
import { STORE_FILE } from '../engine/embedded/sqlite-store';
import { ListingIndex } from '../engine/embedded/listing-index';
import { saveSnapshot, SNAPSHOT_MIN_LISTINGS } from '../engine/embedded/start-index';
import { SqliteListingStore } from '../store/sqlite-listing-store';

/**
 * An import into an empty embedded store builds the search index from the rows it parses
 * and leaves it in DATA_DIR as the index snapshot, so the server's next start reads it
 * instead of reading every row back from SQLite (at 10M listings: ~1 minute, and more
 * memory than the rest of the start together). The index holds what the rows say; it is
 * written only when the store provably holds the same: it was empty before, every row was
 * new (no id twice, so no update with a time of the store's choosing), and nobody else
 * wrote meanwhile (the log grew by exactly the rows imported). It runs on the parsing
 * thread while the store's thread writes the same batch: once parsing skipped the listing
 * schema (quick-listing-check.ts), the store's thread with SQLite and the index was the
 * busier of the two by half (BENCHMARKS.md, 10M import); this way the two are about even.
 */
export class SnapshotWhileImporting {
  private readonly index = new ListingIndex();
  private rows = 0;

  private constructor(
    private readonly dataDir: string,
    private readonly startSeq: number,
    private readonly minListings: number,
  ) {}

  /**
   * Indexing for an import into the store in `dataDir` when it is empty; else null (nothing
   * to gain). Asked before the import opens the store, and no connection is kept: the
   * store's own thread makes the file and its tables, as without this.
   */
  static async before(dataDir: string, minListings = SNAPSHOT_MIN_LISTINGS): Promise<SnapshotWhileImporting | null> {
    if (!fs.existsSync(path.join(dataDir, STORE_FILE))) return new SnapshotWhileImporting(dataDir, 0, minListings);
    const store = new SqliteListingStore(dataDir);
    try {
      if ((await store.count()) > 0) return null;
      return new SnapshotWhileImporting(dataDir, await store.lastSeq(), minListings);
    } finally {
      await store.close();
    }
  }

  /** `sink` with each batch indexed here once it is handed to it, while the store writes it. */
  around(sink: ListingSink): ListingSink {
    return {
      upsertMany: (records) => {
        const writing = sink.upsertMany(records);
        this.add(records);
        return writing;
      },
    };
  }

  /** Indexes a batch the store has taken. */
  add(records: readonly ListingRecord[]): void {
    for (const r of records) this.index.upsert(r, false);
    this.rows += records.length;
  }

  /**
   * After the store has committed the last batch: writes the snapshot when the store holds
   * exactly the rows indexed, and says why not otherwise.
   */
  async finish(imported: number): Promise<{ written: boolean; reason: string }> {
    const store = new SqliteListingStore(this.dataDir);
    try {
      const seq = await store.lastSeq();
      const count = await store.count();
      if (this.rows < this.minListings) return { written: false, reason: `under ${this.minListings} listings: the server reads them at start as fast` };
      if (imported !== this.rows || this.index.count !== this.rows) return { written: false, reason: 'some ids came more than once' };
      if (seq !== this.startSeq + this.rows || count !== this.rows) return { written: false, reason: 'another writer wrote to the store during the import' };
      this.index.rebuild();
      await saveSnapshot(store, this.index, seq, this.dataDir);
      return { written: true, reason: '' };
    } finally {
      await store.close();
    }
  }
}
