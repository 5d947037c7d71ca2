import type Database from 'better-sqlite3';
import { sameContent, type ListingRecord, type ListingType, type PricePer } from '../../core/listing';
import { applyWrite, updatedFrom } from '../../changes/apply-write';
import type { ChangeEvent, ListingWrite, WriteOutcome } from '../../changes/change-event';
import type { SearchDefinition, WriteCounts } from '../search-engine';
import { addMissingColumns, openSharedDatabase } from '../../core/shared-database';
import { listingValues, NewListingsInsert, ROWS_A_STATEMENT } from './new-listings-insert';
import { COLUMNS, fromRow, type Row } from './sqlite-listing-row';

export type { ChangeEvent };

/** The store's file in DATA_DIR. */
export const STORE_FILE = 'roost.db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS listings (
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  price INTEGER NOT NULL,
  type TEXT NOT NULL,
  district TEXT NOT NULL,
  neighbourhood TEXT NOT NULL,
  bedrooms INTEGER,
  listed_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  currency TEXT NOT NULL DEFAULT 'USD',
  price_per TEXT NOT NULL DEFAULT 'month',
  description TEXT,
  photos TEXT,
  bathrooms REAL,
  guests INTEGER,
  amenities TEXT,
  previous_price INTEGER,
  price_changed_at INTEGER
) WITHOUT ROWID;
-- The change log is an outbox: each row is written in the same transaction as the listing
-- it describes, so a reader following seq sees every committed change and nothing else.
-- seq is the rowid: one more than the largest, so it only grows while the newest row is
-- kept (nothing deletes it). AUTOINCREMENT would also rewrite sqlite_sequence per row.
CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY,
  listing_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('upsert', 'remove')),
  before TEXT,
  after TEXT,
  at INTEGER NOT NULL
);
-- A listing's own changes, for its price history on its page.
CREATE INDEX IF NOT EXISTS changes_by_listing ON changes (listing_id, seq);
-- Saved searches' areas and filters, as the engine matches changes against them.
CREATE TABLE IF NOT EXISTS search_areas (
  id TEXT PRIMARY KEY,
  definition TEXT NOT NULL
) WITHOUT ROWID;
-- Each change to the areas, so every process on the file applies the others' by version
-- instead of reloading them all (definition NULL: removed).
CREATE TABLE IF NOT EXISTS search_area_log (
  version INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL,
  definition TEXT
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires INTEGER NOT NULL
);
`;

/**
 * Columns added after the first release, with what a file made before them needs: each is
 * added in place at open (ALTER TABLE ... ADD COLUMN with its default), so an old DATA_DIR
 * keeps its listings and reads them as USD a month.
 */
const ADDED_COLUMNS: [name: string, definition: string][] = [
  ['currency', "TEXT NOT NULL DEFAULT 'USD'"],
  ['price_per', "TEXT NOT NULL DEFAULT 'month'"],
  ['description', 'TEXT'],
  ['photos', 'TEXT'],
  ['bathrooms', 'REAL'],
  ['guests', 'INTEGER'],
  // A JSON array, as photos.
  ['amenities', 'TEXT'],
  // The price before its last change and when (core/price-cut).
  ['previous_price', 'INTEGER'],
  ['price_changed_at', 'INTEGER'],
];

/**
 * A file made before the previous price was kept gets it from its change log, once, when
 * the columns are added: each listing's last change that moved its price (core/price-cut).
 */
const BACKFILL_PREVIOUS_PRICE = `
UPDATE listings SET previous_price = last.prev, price_changed_at = last.at
FROM (
  SELECT listing_id, prev, at FROM (
    SELECT listing_id, json_extract(before, '$.price') AS prev, at,
           ROW_NUMBER() OVER (PARTITION BY listing_id ORDER BY seq DESC) AS rn
    FROM changes
    WHERE op = 'upsert' AND before IS NOT NULL AND json_extract(before, '$.price') <> json_extract(after, '$.price')
  ) WHERE rn = 1
) AS last
WHERE listings.id = last.listing_id`;

/**
 * The embedded engine's durable store: listings, their change log and small metadata in
 * one SQLite file (WAL, so one writer — a server or an importer — never blocks readers).
 */
export class SqliteStore {
  readonly db: Database.Database;
  private readonly stmts;
  private readonly newListings: NewListingsInsert;
  private readonly upsertTx: Database.Transaction<(records: ListingRecord[]) => WriteCounts & { changed: number }>;
  private readonly removeTx: Database.Transaction<(ids: string[]) => number>;
  private readonly writeTx: Database.Transaction<(w: ListingWrite) => WriteOutcome>;

  constructor(dataDir: string) {
    this.db = openSharedDatabase(dataDir, STORE_FILE);
    this.db.exec(SCHEMA);
    const hadPreviousPrice = (this.db.prepare('PRAGMA table_info(listings)').all() as { name: string }[]).some((c) => c.name === 'previous_price');
    addMissingColumns(this.db, 'listings', ADDED_COLUMNS);
    if (!hadPreviousPrice) this.db.exec(BACKFILL_PREVIOUS_PRICE);
    this.stmts = {
      get: this.db.prepare(`SELECT ${COLUMNS} FROM listings WHERE id = ?`).raw(),
      upsert: this.db.prepare(
        `INSERT INTO listings (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, lat = excluded.lat, lon = excluded.lon,
           price = excluded.price, type = excluded.type, district = excluded.district,
           neighbourhood = excluded.neighbourhood, bedrooms = excluded.bedrooms,
           listed_at = excluded.listed_at, updated_at = excluded.updated_at, currency = excluded.currency,
           price_per = excluded.price_per, description = excluded.description, photos = excluded.photos,
           bathrooms = excluded.bathrooms, guests = excluded.guests, amenities = excluded.amenities,
           previous_price = excluded.previous_price, price_changed_at = excluded.price_changed_at`,
      ),
      remove: this.db.prepare('DELETE FROM listings WHERE id = ?'),
      logChange: this.db.prepare('INSERT INTO changes (listing_id, op, before, after, at) VALUES (?, ?, ?, ?, ?)'),
      changesAfter: this.db
        .prepare('SELECT seq, listing_id, op, before, after, at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?')
        .raw(),
      lastSeq: this.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM changes').pluck(),
      // The price out of each upsert's JSON: never parse a whole record per row.
      historyOf: this.db
        .prepare("SELECT at, json_extract(after, '$.price'), json_extract(after, '$.listedAt') FROM changes WHERE listing_id = ? AND op = 'upsert' ORDER BY seq")
        .raw(),
      all: this.db.prepare(`SELECT ${COLUMNS} FROM listings`).raw(),
      count: this.db.prepare('SELECT COUNT(*) FROM listings').pluck(),
      ping: this.db.prepare('SELECT 1').pluck(),
      getMeta: this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck(),
      putSearchArea: this.db.prepare(
        'INSERT INTO search_areas (id, definition) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET definition = excluded.definition',
      ),
      removeSearchArea: this.db.prepare('DELETE FROM search_areas WHERE id = ?'),
      allSearchAreas: this.db.prepare('SELECT definition FROM search_areas').pluck(),
      logArea: this.db.prepare('INSERT INTO search_area_log (id, definition) VALUES (?, ?)'),
      areaLogAfter: this.db.prepare('SELECT version, id, definition FROM search_area_log WHERE version > ? ORDER BY version').raw(),
      areaVersion: this.db.prepare('SELECT COALESCE(MAX(version), 0) FROM search_area_log').pluck(),
      setMeta: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
      metaOnce: this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING'),
      claimLease: this.db.prepare(
        `INSERT INTO leases (name, holder, expires) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires
         WHERE leases.holder = excluded.holder OR leases.expires < ?`,
      ),
      releaseLease: this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?'),
    };
    this.newListings = new NewListingsInsert(this.db);
    this.upsertTx = this.db.transaction((records: ListingRecord[]) => this.upsertRecords(records));
    this.removeTx = this.db.transaction((ids: string[]) => this.removeRecords(ids));
    this.writeTx = this.db.transaction((w: ListingWrite) => this.writeOne(w));
  }

  get(id: string): ListingRecord | null {
    const row = this.stmts.get.get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  /** Cheap proof the file is open and readable. */
  ping(): void {
    this.stmts.ping.get();
  }

  count(): number {
    return this.stmts.count.get() as number;
  }

  /**
   * Insert or update listings by id, each with its change event, in one transaction.
   * An update keeps the original `listedAt`; a row identical to the stored one is left
   * alone (no write, no event), so re-importing a file is idempotent.
   */
  upsertMany(records: ListingRecord[]): WriteCounts & { changed: number } {
    return this.upsertTx.immediate(records);
  }

  private upsertRecords(records: ListingRecord[]): WriteCounts & { changed: number } {
    let inserted = 0;
    let updated = 0;
    let changed = 0;
    const now = Date.now();
    // Whole statements' worth of rows first, as new listings; what was stored already
    // (and the tail) then goes row by row below.
    const whole = records.length - (records.length % ROWS_A_STATEMENT);
    const rest: ListingRecord[] = [];
    for (let i = 0; i < whole; i += ROWS_A_STATEMENT) {
      const left = this.newListings.insert(records.slice(i, i + ROWS_A_STATEMENT), now);
      inserted += ROWS_A_STATEMENT - left.length;
      changed += ROWS_A_STATEMENT - left.length;
      for (const r of left) rest.push(r);
    }
    for (let i = whole; i < records.length; i++) rest.push(records[i]!);
    for (const incoming of rest) {
      // Insert first, read only when the id is there: an import of new listings (the
      // common case, and every row of a first import) no longer reads before each write.
      if (this.newListings.insertOne(incoming, now)) {
        inserted++;
        changed++;
        continue;
      }
      const before = fromRow(this.stmts.get.get(incoming.id) as Row);
      updated++;
      if (sameContent(before, incoming)) continue;
      const after = updatedFrom(before, incoming, now);
      this.writeRecord(after);
      this.stmts.logChange.run(after.id, 'upsert', JSON.stringify(before), JSON.stringify(after), now);
      changed++;
    }
    return { inserted, updated, changed };
  }

  /**
   * One write of the API: read, merge, write and log in one transaction, so concurrent
   * writers (other nodes on this file) never interleave between the read and the write,
   * and the change row exists exactly when the write does.
   */
  write(w: ListingWrite): WriteOutcome {
    return this.writeTx.immediate(w);
  }

  private writeOne(w: ListingWrite): WriteOutcome {
    const id = w.op === 'put' ? w.record.id : w.id;
    const row = this.stmts.get.get(id) as Row | undefined;
    const now = Date.now();
    const r = applyWrite(row ? fromRow(row) : null, w, now);
    switch (r.kind) {
      case 'missing':
        return { event: null, listing: null, existed: false };
      case 'unchanged':
        return { event: null, listing: r.listing, existed: true };
      case 'removed':
        this.stmts.remove.run(id);
        return { event: this.log(id, 'remove', r.before, null, now), listing: null, existed: true };
      case 'written':
        this.writeRecord(r.after);
        return { event: this.log(id, 'upsert', r.before, r.after, now), listing: r.after, existed: r.before !== null };
    }
  }

  private log(id: string, op: ChangeEvent['op'], before: ListingRecord | null, after: ListingRecord | null, at: number): ChangeEvent {
    const seq = Number(
      this.stmts.logChange.run(id, op, before ? JSON.stringify(before) : null, after ? JSON.stringify(after) : null, at).lastInsertRowid,
    );
    return { seq, listingId: id, op, before, after, at };
  }

  /** Removes listings by id, each with its change event, in one transaction; counts what existed. */
  removeMany(ids: string[]): number {
    return this.removeTx.immediate(ids);
  }

  private removeRecords(ids: string[]): number {
    let removed = 0;
    const now = Date.now();
    for (const id of ids) {
      const row = this.stmts.get.get(id) as Row | undefined;
      if (!row) continue;
      this.stmts.remove.run(id);
      this.stmts.logChange.run(id, 'remove', JSON.stringify(fromRow(row)), null, now);
      removed++;
    }
    return removed;
  }

  private writeRecord(r: ListingRecord): void {
    const values: unknown[] = [];
    listingValues(r, values);
    this.stmts.upsert.run(values);
  }

  /** Each price the listing has had, from when, oldest first; repeats of one price dropped. */
  priceHistory(id: string): { at: number; price: number }[] {
    const out: { at: number; price: number }[] = [];
    for (const [at, price, listedAt] of this.stmts.historyOf.all(id) as [number, number, number][]) {
      if (out.length > 0 && out[out.length - 1]!.price === price) continue;
      // Its first price dates from when it was listed, not from when it was imported.
      out.push({ at: out.length === 0 ? Math.min(at, listedAt) : at, price });
    }
    return out;
  }

  lastSeq(): number {
    return this.stmts.lastSeq.get() as number;
  }

  /** Changes committed after `seq`, oldest first. */
  changesAfter(seq: number, limit = 10_000): ChangeEvent[] {
    const rows = this.stmts.changesAfter.all(seq, limit) as [number, string, string, string | null, string | null, number][];
    return rows.map(([s, listingId, op, before, after, at]) => ({
      seq: s,
      listingId,
      op: op as ChangeEvent['op'],
      before: before ? (JSON.parse(before) as ListingRecord) : null,
      after: after ? (JSON.parse(after) as ListingRecord) : null,
      at,
    }));
  }

  /** The database file's path. */
  get file(): string {
    return this.db.name;
  }

  /**
   * Every listing plus the sequence number it reflects, read in one transaction so the
   * snapshot and the number agree: a reader then follows the log from exactly there.
   */
  snapshot(onRecord: (r: ListingRecord) => void, onSeq?: (seq: number) => void): number {
    return this.snapshotRows((row) => onRecord(fromRow(row)), onSeq);
  }

  /** The same, as the raw rows (what the snapshot thread packs for the thread building the index). */
  snapshotRows(onRow: (row: Row) => void, onSeq?: (seq: number) => void): number {
    let seq = 0;
    this.db
      .transaction(() => {
        seq = this.stmts.lastSeq.get() as number;
        onSeq?.(seq);
        for (const row of this.stmts.all.iterate() as IterableIterator<Row>) onRow(row);
      })
      .deferred();
    return seq;
  }

  /** Saves a search area, logged so other processes on this file apply it too. */
  putSearchArea(search: SearchDefinition): void {
    const definition = JSON.stringify(search);
    this.db.transaction(() => {
      this.stmts.putSearchArea.run(search.id, definition);
      this.stmts.logArea.run(search.id, definition);
    })();
  }

  removeSearchArea(id: string): void {
    this.db.transaction(() => {
      this.stmts.removeSearchArea.run(id);
      this.stmts.logArea.run(id, null);
    })();
  }

  /** Every area and the log version they reflect, read together. */
  searchAreasAt(): { version: number; areas: SearchDefinition[] } {
    return this.db.transaction(() => ({ version: this.stmts.areaVersion.get() as number, areas: this.searchAreas() })).deferred();
  }

  /** Area changes after a version: a definition, or null when removed. */
  searchAreaChanges(after: number): { version: number; id: string; search: SearchDefinition | null }[] {
    return (this.stmts.areaLogAfter.all(after) as [number, string, string | null][]).map(([version, id, d]) => ({
      version,
      id,
      search: d ? (JSON.parse(d) as SearchDefinition) : null,
    }));
  }

  searchAreas(): SearchDefinition[] {
    return (this.stmts.allSearchAreas.all() as string[]).map((d) => JSON.parse(d) as SearchDefinition);
  }

  getMeta(key: string): string | null {
    return (this.stmts.getMeta.get(key) as string | undefined) ?? null;
  }

  setMeta(key: string, value: string): void {
    this.stmts.setMeta.run(key, value);
  }

  /** Sets a key only if it has no value yet; the value it holds either way. */
  metaOnce(key: string, value: string): string {
    this.stmts.metaOnce.run(key, value);
    return this.getMeta(key)!;
  }

  claimLease(name: string, node: string, leaseMs: number): boolean {
    const now = Date.now();
    return this.stmts.claimLease.run(name, node, now + leaseMs, now).changes === 1;
  }

  releaseLease(name: string, node: string): void {
    this.stmts.releaseLease.run(name, node);
  }

  close(): void {
    this.db.close();
  }
}
