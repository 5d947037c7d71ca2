import type pg from 'pg';
import { inTransaction, query } from '../store/postgres/database';
import type { ImportCursor, PhotoImportStore, PhotoSource } from './photo-import-store';

/** Rows per statement when a whole store's listings are queued at once. */
const ENQUEUE_CHUNK = 5_000;
const CURSOR = 'photo-import';

type SourceRow = { url: string; hash: string | null; failures: number; dead: boolean; retry_at: number; last_error: string | null };

/** The importer's record in the shared database (migration 11): whichever node takes the importer over reads it. Shares the record's pool. */
export class PostgresPhotoImportStore implements PhotoImportStore {
  constructor(private readonly pool: pg.Pool) {}

  async cursor(): Promise<ImportCursor | null> {
    const r = await query<ImportCursor>(this.pool, 'SELECT seq, hosts FROM photo_import_cursor WHERE name = $1', [CURSOR]);
    return r.rows[0] ?? null;
  }

  async enqueue(listingIds: string[], dueAt: number, cursor?: ImportCursor): Promise<void> {
    for (let i = 0; i < listingIds.length || (i === 0 && cursor); i += ENQUEUE_CHUNK) {
      const chunk = listingIds.slice(i, i + ENQUEUE_CHUNK);
      const last = i + ENQUEUE_CHUNK >= listingIds.length;
      await inTransaction(this.pool, async (c) => {
        if (chunk.length > 0) {
          await c.query(
            `INSERT INTO photo_import_queue (listing_id, due_at) SELECT DISTINCT unnest($1::text[]), $2::bigint
             ON CONFLICT (listing_id) DO UPDATE SET due_at = LEAST(photo_import_queue.due_at, excluded.due_at)`,
            [chunk, dueAt],
          );
        }
        if (last && cursor) {
          await c.query('INSERT INTO photo_import_cursor (name, seq, hosts) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, hosts = excluded.hosts', [CURSOR, cursor.seq, cursor.hosts]);
        }
      });
    }
  }

  async due(now: number, limit: number): Promise<string[]> {
    const r = await query<{ listing_id: string }>(this.pool, 'SELECT listing_id FROM photo_import_queue WHERE due_at <= $1 ORDER BY due_at, listing_id LIMIT $2', [now, limit]);
    return r.rows.map((row) => row.listing_id);
  }

  async reschedule(listingId: string, dueAt: number): Promise<void> {
    await query(this.pool, 'UPDATE photo_import_queue SET due_at = $2 WHERE listing_id = $1', [listingId, dueAt]);
  }

  async done(listingId: string): Promise<void> {
    await query(this.pool, 'DELETE FROM photo_import_queue WHERE listing_id = $1', [listingId]);
  }

  async queued(): Promise<number> {
    const r = await query<{ n: number }>(this.pool, 'SELECT COUNT(*)::bigint AS n FROM photo_import_queue');
    return r.rows[0]!.n;
  }

  async sources(urls: string[]): Promise<Map<string, PhotoSource>> {
    const out = new Map<string, PhotoSource>();
    if (urls.length === 0) return out;
    const r = await query<SourceRow>(this.pool, 'SELECT url, hash, failures, dead, retry_at, last_error FROM photo_sources WHERE url = ANY($1::text[])', [urls]);
    for (const row of r.rows) out.set(row.url, { url: row.url, hash: row.hash, failures: row.failures, dead: row.dead, retryAt: row.retry_at, lastError: row.last_error });
    return out;
  }

  async record(s: PhotoSource): Promise<void> {
    await query(
      this.pool,
      `INSERT INTO photo_sources (url, hash, failures, dead, retry_at, last_error) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (url) DO UPDATE SET hash = excluded.hash, failures = excluded.failures, dead = excluded.dead, retry_at = excluded.retry_at, last_error = excluded.last_error`,
      [s.url, s.hash, s.failures, s.dead, s.retryAt, s.lastError],
    );
  }

  async close(): Promise<void> {}
}
