import type Database from 'better-sqlite3';
import { openSharedDatabase, whenFree } from '../core/shared-database';
import type { ImportCursor, PhotoImportStore, PhotoSource } from './photo-import-store';
import { PHOTOS_FILE } from './sqlite-photo-store';

/** Rows per transaction when a whole store's listings are queued at once. */
const ENQUEUE_CHUNK = 5_000;
const CURSOR = 'photo-import';

type SourceRow = { url: string; hash: string | null; failures: number; dead: number; retry_at: number; last_error: string | null };

/** The importer's record in photos.db, beside the photos it makes (one file to back up). */
export class SqlitePhotoImportStore implements PhotoImportStore {
  private readonly db: Database.Database;
  private readonly s;
  private readonly enqueueTx;

  constructor(dataDir: string) {
    this.db = openSharedDatabase(dataDir, PHOTOS_FILE);
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS photo_sources (
        url TEXT PRIMARY KEY,
        hash TEXT,
        failures INTEGER NOT NULL,
        dead INTEGER NOT NULL,
        retry_at INTEGER NOT NULL,
        last_error TEXT
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS photo_import_queue (
        listing_id TEXT PRIMARY KEY,
        due_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS photo_import_due ON photo_import_queue (due_at, listing_id);
      CREATE TABLE IF NOT EXISTS photo_import_cursor (
        name TEXT PRIMARY KEY,
        seq INTEGER NOT NULL,
        hosts TEXT NOT NULL
      )`);
    this.s = {
      cursor: this.db.prepare('SELECT seq, hosts FROM photo_import_cursor WHERE name = ?'),
      setCursor: this.db.prepare('INSERT INTO photo_import_cursor (name, seq, hosts) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, hosts = excluded.hosts'),
      enqueue: this.db.prepare('INSERT INTO photo_import_queue (listing_id, due_at) VALUES (?, ?) ON CONFLICT (listing_id) DO UPDATE SET due_at = MIN(due_at, excluded.due_at)'),
      due: this.db.prepare('SELECT listing_id FROM photo_import_queue WHERE due_at <= ? ORDER BY due_at, listing_id LIMIT ?').pluck(),
      reschedule: this.db.prepare('UPDATE photo_import_queue SET due_at = ? WHERE listing_id = ?'),
      done: this.db.prepare('DELETE FROM photo_import_queue WHERE listing_id = ?'),
      queued: this.db.prepare('SELECT COUNT(*) FROM photo_import_queue').pluck(),
      source: this.db.prepare('SELECT url, hash, failures, dead, retry_at, last_error FROM photo_sources WHERE url = ?'),
      record: this.db.prepare(
        `INSERT INTO photo_sources (url, hash, failures, dead, retry_at, last_error) VALUES (@url, @hash, @failures, @dead, @retryAt, @lastError)
         ON CONFLICT (url) DO UPDATE SET hash = excluded.hash, failures = excluded.failures, dead = excluded.dead, retry_at = excluded.retry_at, last_error = excluded.last_error`,
      ),
    };
    this.enqueueTx = this.db.transaction((ids: string[], dueAt: number, cursor?: ImportCursor) => {
      for (const id of ids) this.s.enqueue.run(id, dueAt);
      if (cursor) this.s.setCursor.run(CURSOR, cursor.seq, cursor.hosts);
    });
  }

  async cursor(): Promise<ImportCursor | null> {
    return (this.s.cursor.get(CURSOR) as ImportCursor | undefined) ?? null;
  }

  async enqueue(listingIds: string[], dueAt: number, cursor?: ImportCursor): Promise<void> {
    // In chunks, each its own short transaction (an import's writer waits for none of them
    // long); only the last moves the cursor, so it never passes an unqueued listing.
    for (let i = 0; i < listingIds.length || (i === 0 && cursor); i += ENQUEUE_CHUNK) {
      const chunk = listingIds.slice(i, i + ENQUEUE_CHUNK);
      const last = i + ENQUEUE_CHUNK >= listingIds.length;
      await whenFree(() => this.enqueueTx.immediate(chunk, dueAt, last ? cursor : undefined));
    }
  }

  async due(now: number, limit: number): Promise<string[]> {
    return this.s.due.all(now, limit) as string[];
  }

  async reschedule(listingId: string, dueAt: number): Promise<void> {
    await whenFree(() => this.s.reschedule.run(dueAt, listingId));
  }

  async done(listingId: string): Promise<void> {
    await whenFree(() => this.s.done.run(listingId));
  }

  async queued(): Promise<number> {
    return this.s.queued.get() as number;
  }

  async sources(urls: string[]): Promise<Map<string, PhotoSource>> {
    const out = new Map<string, PhotoSource>();
    for (const url of urls) {
      const r = this.s.source.get(url) as SourceRow | undefined;
      if (r) out.set(url, { url: r.url, hash: r.hash, failures: r.failures, dead: r.dead === 1, retryAt: r.retry_at, lastError: r.last_error });
    }
    return out;
  }

  async record(source: PhotoSource): Promise<void> {
    await whenFree(() => this.s.record.run({ ...source, dead: source.dead ? 1 : 0 }));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
