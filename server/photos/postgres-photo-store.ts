import type pg from 'pg';
import { inTransaction, query } from '../store/postgres/database';
import type { PhotoStore, PhotoVariant } from './photo-store';

/** Photos as bytea rows in the shared database: every host serves every photo. Shares the record's pool. */
export class PostgresPhotoStore implements PhotoStore {
  constructor(private readonly pool: pg.Pool) {}

  async put(hash: string, variants: PhotoVariant[]): Promise<void> {
    const now = Date.now();
    await inTransaction(this.pool, async (c) => {
      for (const v of variants) {
        await c.query('INSERT INTO photos (hash, width, height, bytes, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [hash, v.width, v.height, v.bytes, now]);
      }
    });
  }

  async has(hash: string): Promise<boolean> {
    return (await query(this.pool, 'SELECT 1 FROM photos WHERE hash = $1 LIMIT 1', [hash])).rowCount === 1;
  }

  async get(hash: string, width: number): Promise<PhotoVariant | null> {
    const r = await query<PhotoVariant>(this.pool, 'SELECT width, height, bytes FROM photos WHERE hash = $1 AND width = $2', [hash, width]);
    return r.rows[0] ?? null;
  }

  async close(): Promise<void> {}
}
