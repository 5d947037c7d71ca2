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
  // FULL: a commit is on disk before it returns, so a write answered 201 survives a power
  // loss (NORMAL could lose the last commits). In WAL mode that is one fsync per
  // transaction: API writes are one each, imports commit thousands of rows per
  // transaction, so the import rate barely moves (BENCHMARKS.md).
  db.pragma('synchronous = FULL');
  // Another process may hold the write lock for a moment: wait for it instead of failing.
  db.pragma('busy_timeout = 10000');
  return db;
}

/**
 * Adds the columns a table lacks, each with its definition (a default for the rows already
 * there): how a file made by an earlier release takes a new column in place at open.
 */
export function addMissingColumns(db: Database.Database, table: string, columns: readonly (readonly [name: string, definition: string])[]): void {
  const have = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
  for (const [name, definition] of columns) {
    if (!have.has(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${definition}`);
  }
}

/**
 * A write on a file other processes write too, without blocking the event loop while the
 * lock is held elsewhere: SQLite's own busy handler sleeps inside the call (1, 2, 5, … up to
 * 100 ms at a time), and a node asleep there delivers nothing. With the file's busy timeout
 * at 0, SQLITE_BUSY comes back at once and the wait happens here, a millisecond or two at a
 * time, with everything else on the node still served.
 */
export async function whenFree<T>(write: () => T, maxWaitMs = 10_000): Promise<T> {
  const until = Date.now() + maxWaitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return write();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, Math.min(8, 1 + attempt) * (0.5 + Math.random())));
    }
  }
}
