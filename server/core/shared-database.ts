import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * A SQLite file in DATA_DIR that several processes open at once (nodes of a cluster, an
 * importer beside a server): write-ahead log so readers never wait for a writer.
 */
export function openSharedDatabase(dataDir: string, file: string): Database.Database {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, file));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode loses at most the last transactions on power loss, never corrupts.
  db.pragma('synchronous = NORMAL');
  // Another process may hold the write lock for a moment: wait for it instead of failing.
  db.pragma('busy_timeout = 10000');
  return db;
}
