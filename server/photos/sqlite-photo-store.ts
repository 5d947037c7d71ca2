import type Database from 'better-sqlite3';
import { openSharedDatabase } from '../core/shared-database';
import type { PhotoStore, PhotoVariant } from './photo-store';

export const PHOTOS_FILE = 'photos.db';

/** Photos in their own file: large blobs kept apart from the listings and people files, which stay small and hot. */
export class SqlitePhotoStore implements PhotoStore {
  private readonly db: Database.Database;
  private readonly s;

  constructor(dataDir: string) {
    this.db = openSharedDatabase(dataDir, PHOTOS_FILE);
    this.db.exec(`CREATE TABLE IF NOT EXISTS photos (
      hash TEXT NOT NULL,
      width INTEGER NOT NULL,
      height INTEGER NOT NULL,
      bytes BLOB NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (hash, width)
    ) WITHOUT ROWID`);
    this.s = {
      put: this.db.prepare('INSERT INTO photos (hash, width, height, bytes, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      has: this.db.prepare('SELECT 1 FROM photos WHERE hash = ? LIMIT 1').pluck(),
      get: this.db.prepare('SELECT width, height, bytes FROM photos WHERE hash = ? AND width = ?'),
    };
  }

  async put(hash: string, variants: PhotoVariant[]): Promise<void> {
    const now = Date.now();
    this.db.transaction(() => {
      for (const v of variants) this.s.put.run(hash, v.width, v.height, v.bytes, now);
    })();
  }

  async has(hash: string): Promise<boolean> {
    return this.s.has.get(hash) !== undefined;
  }

  async get(hash: string, width: number): Promise<PhotoVariant | null> {
    return (this.s.get.get(hash, width) as PhotoVariant | undefined) ?? null;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
