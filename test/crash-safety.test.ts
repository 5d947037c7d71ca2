/**
 * SIGKILL in the middle of writing: an import, then a server taking writes. The store
 * must open cleanly, hold every write that was acknowledged (each with its change row),
 * and a re-run of the import must complete.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { NodeProcess } from './helpers/node-process';
import { ROOT, runImport, tempDir, secretForTests } from './helpers/roost';

const TOKEN = secretForTests();

function checkStore(dataDir: string): { listings: number; orphans: number } {
  const db = new Database(path.join(dataDir, 'roost.db'));
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const listings = db.prepare('SELECT COUNT(*) FROM listings').pluck().get() as number;
    // The outbox: no listing without the change that wrote it.
    const orphans = db
      // NOT IN over the subquery: SQLite indexes it once (a correlated NOT EXISTS is quadratic here).
      .prepare("SELECT COUNT(*) FROM listings WHERE id NOT IN (SELECT listing_id FROM changes WHERE op = 'upsert')")
      .pluck()
      .get() as number;
    return { listings, orphans };
  } finally {
    db.close();
  }
}

describe('crash safety', () => {
  it('an import SIGKILLed mid-write leaves a clean store, and running it again completes', async () => {
    const dir = tempDir('crash-import');
    const file = path.join(dir, 'many.ndjson');
    const n = 150_000;
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      lines.push(JSON.stringify({ id: `c${i}`, title: `Home ${i}`, lat: 40.6 + (i % 300) / 1000, lon: -74 + Math.floor(i / 300) / 2000, price: 500 + (i % 97), type: 'entire' }));
    }
    fs.writeFileSync(file, lines.join('\n'));
    // node itself, not the tsx wrapper: the signal must reach the process that writes.
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'cli', 'import.ts'), file], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Kill it once it is writing: the store has some rows but not all.
    const db = () => path.join(dir, 'roost.db');
    for (let i = 0; ; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (fs.existsSync(db())) {
        const probe = new Database(db(), { readonly: true, fileMustExist: true });
        let count = 0;
        try {
          count = probe.prepare('SELECT COUNT(*) FROM listings').pluck().get() as number;
        } catch (err) {
          // The file is made a moment before its tables (an fsync apart on a busy disk).
          if (!/no such table/.test((err as Error).message)) throw err;
        }
        probe.close();
        if (count > 0) break;
      }
      expect(i).toBeLessThan(400);
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const after = checkStore(dir);
    expect(after.listings).toBeGreaterThan(0);
    expect(after.listings).toBeLessThan(n);
    expect(after.listings % 5_000).toBe(0); // whole batches only: each is one transaction
    expect(after.orphans).toBe(0);
    const again = await runImport(dir, [file]);
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split('\n').at(-1)).toBe(`imported ${n - after.listings}, updated ${after.listings}, skipped 0`);
    expect(checkStore(dir)).toEqual({ listings: n, orphans: 0 });
  }, 120_000);

  it('a server SIGKILLed while taking writes keeps every write it acknowledged', async () => {
    const dir = tempDir('crash-server');
    const node = await NodeProcess.start({ DATA_DIR: dir, ADMIN_TOKEN: TOKEN });
    const acknowledged: string[] = [];
    let refused = 0;
    let next = 0;
    let killed: Promise<void> | null = null;
    // Eight writers at once; the node is killed while they are mid-flight.
    const writer = async () => {
      while (next < 400) {
        const i = next++;
        try {
          const r = await fetch(`${node.url}/api/listings`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify({ id: `w${i}`, title: `Home ${i}`, lat: 40.7, lon: -73.9, price: 1000 + i, type: 'private' }),
          });
          if (r.status === 201) acknowledged.push(`w${i}`);
        } catch {
          refused++;
        }
        if (acknowledged.length >= 100 && !killed) killed = node.kill('SIGKILL');
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    await killed;
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    const store = checkStore(dir);
    expect(store.orphans).toBe(0);
    const again = await NodeProcess.start({ DATA_DIR: dir, ADMIN_TOKEN: TOKEN });
    try {
      for (const id of acknowledged) expect((await fetch(`${again.url}/api/listings/${id}`)).status, id).toBe(200);
      // And the restarted node takes writes again.
      const res = await fetch(`${again.url}/api/listings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'after', title: 'After the crash', lat: 40.7, lon: -73.9, price: 1, type: 'shared' }),
      });
      expect(res.status).toBe(201);
    } finally {
      await again.kill('SIGTERM');
    }
  }, 60_000);
});
