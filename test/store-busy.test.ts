import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isStoreBusy } from '../server/store/store-busy';
import { tempDir } from './helpers/roost';

describe('a store busy past its wait', () => {
  it("is told from other failures by SQLite's own error, not by its message", () => {
    const file = path.join(tempDir('store-busy'), 'busy.db');
    const holder = new Database(file);
    holder.pragma('journal_mode = WAL');
    holder.exec('CREATE TABLE t (x INTEGER)');
    const writer = new Database(file);
    writer.pragma('busy_timeout = 0');
    holder.exec('BEGIN IMMEDIATE');
    let busy: unknown = null;
    try {
      writer.exec('INSERT INTO t VALUES (1)');
    } catch (err) {
      busy = err;
    }
    holder.exec('ROLLBACK');
    expect(busy).not.toBeNull();
    expect(isStoreBusy(busy)).toBe(true);
    expect(isStoreBusy(new Error('wrapped', { cause: busy }))).toBe(true);
    let other: unknown = null;
    try {
      writer.exec('INSERT INTO missing VALUES (1)');
    } catch (err) {
      other = err;
    }
    expect(isStoreBusy(other)).toBe(false);
    expect(isStoreBusy(new Error('SQLITE_BUSY in a message is not a code'))).toBe(false);
    holder.close();
    writer.close();
  });
});
