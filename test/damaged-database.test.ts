/**
 * A damaged roost.db or alerts.db at start is one line naming the file and what to do,
 * exit 1 (server/store/damaged-database.ts), not a stack trace that a process manager
 * prints again on every restart. Through the real server process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoCity } from '../server/demo/demo-city';
import { SqliteAlertStore } from '../server/alerts/sqlite-alert-store';
import { SqliteStore } from '../server/engine/embedded/sqlite-store';
import { startExpectingExit } from './helpers/failed-start';
import { tempDir } from './helpers/roost';

/** Writes `bytes` of junk over a file from `at` (a fraction of its size). */
function scribble(file: string, at: number, bytes: number): void {
  const fd = fs.openSync(file, 'r+');
  const size = fs.fstatSync(fd).size;
  fs.writeSync(fd, Buffer.alloc(bytes, 0x5a), 0, bytes, Math.floor(size * at));
  fs.closeSync(fd);
}

/** A DATA_DIR with a real store of `n` listings and an alerts file, checkpointed and closed. */
function filledDataDir(n: number): string {
  const dir = tempDir('damaged');
  const store = new SqliteStore(dir);
  store.upsertMany([...demoCity(n)]);
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  store.db.close();
  new SqliteAlertStore(dir).close();
  return dir;
}

function expectOneLine(stderr: string, file: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^roost: .*${file.replace('.', '\\.')} is damaged \\(.+\\): stop every node using DATA_DIR, move the file aside`));
  expect(stderr).not.toMatch(/\bat .+:\d+:\d+/);
}

describe('a damaged database at start', () => {
  it('roost.db that is not a database at all', async () => {
    const dir = tempDir('damaged');
    fs.writeFileSync(path.join(dir, 'roost.db'), Buffer.alloc(100_000, 0x41));
    const { code, stderr } = await startExpectingExit({ DATA_DIR: dir });
    expect(code).toBe(1);
    expectOneLine(stderr, 'roost.db');
  }, 30_000);

  it('roost.db with damaged pages among its listings (found when the index reads them)', async () => {
    const dir = filledDataDir(3_000);
    scribble(path.join(dir, 'roost.db'), 0.5, 64 * 1024);
    const { code, stderr } = await startExpectingExit({ DATA_DIR: dir });
    expect(code).toBe(1);
    expectOneLine(stderr, 'roost.db');
  }, 30_000);

  it('alerts.db that is not a database', async () => {
    const dir = filledDataDir(100);
    scribble(path.join(dir, 'alerts.db'), 0, 4096);
    const { code, stderr } = await startExpectingExit({ DATA_DIR: dir });
    expect(code).toBe(1);
    expectOneLine(stderr, 'alerts.db');
  }, 30_000);
});
