/**
 * `npm run backup` while a server takes ~40 writes a second, `npm run restore` into a new
 * DATA_DIR, a server on the copy: every write acknowledged before the backup began is in
 * it, the listings are exactly a replay of the copied change log (no torn state), the
 * matcher's cursor is not ahead of that log, and a renter's cookie and saved search still
 * work (the session secret and alerts.db came along). Restore refuses a non-empty folder;
 * with DATABASE_URL, backup points at pg_dump.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeProcess } from './helpers/node-process';
import { Renter } from './helpers/renter';
import { runCli, runImport, tempDir } from './helpers/roost';

const TOKEN = 'backup-token-that-is-long-enough-0123456789abcdef';
const SEEDED = 3_000;

interface Ack {
  op: 'post' | 'patch' | 'delete';
  id: string;
  price?: number;
  /** When its answer arrived (ms, this process's clock). */
  at: number;
}

describe('npm run backup and npm run restore', () => {
  let source: NodeProcess | null = null;
  let restored: NodeProcess | null = null;
  let work = '';
  let dataDir = '';

  beforeAll(async () => {
    work = tempDir('backup');
    dataDir = path.join(work, 'data');
    const file = path.join(work, 'seed.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < SEEDED; i++) {
      lines.push(JSON.stringify({ id: `s${i}`, title: `Seeded ${i}`, lat: 40.6 + (i % 50) / 250, lon: -74 + Math.floor(i / 50) / 250, price: 1000 + i, type: 'entire', district: 'D', neighbourhood: 'N' }));
    }
    fs.writeFileSync(file, lines.join('\n'));
    expect((await runImport(dataDir, [file])).code).toBe(0);
    source = await NodeProcess.start({ DATA_DIR: dataDir, ADMIN_TOKEN: TOKEN });
  }, 60_000);

  afterAll(async () => {
    await source?.kill('SIGTERM');
    await restored?.kill('SIGTERM');
  });

  it('copies a serving, writing store consistently; a server on the restored copy has every write acknowledged before the backup began', async () => {
    const url = source!.url;
    const renter = await Renter.visit(url);
    const saved = await renter.api(url, '/api/saved-searches', { method: 'POST', body: { name: 'Everything', bbox: [-75, 40, -73, 41], filters: {} } });
    expect(saved.status).toBe(201);
    const savedId = ((await saved.json()) as { id: string }).id;

    // ~40 writes a second: new homes, price changes and removals of seeded ones (each
    // seeded home touched once, so its expected state is the one acknowledged write).
    const acks: Ack[] = [];
    const failures: string[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const started = Date.now();
        const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
        let ack: Ack;
        let res: Response;
        if (i % 10 < 7) {
          ack = { op: 'post', id: `w${i}`, at: 0 };
          res = await fetch(`${url}/api/listings`, { method: 'POST', headers: auth, body: JSON.stringify({ id: ack.id, title: `Written ${i}`, lat: 40.7, lon: -73.9, price: 2000 + i, type: 'private', district: 'D', neighbourhood: 'N' }) });
        } else if (i % 10 < 9) {
          ack = { op: 'patch', id: `s${i}`, price: 500 + i, at: 0 };
          res = await fetch(`${url}/api/listings/${ack.id}`, { method: 'PATCH', headers: auth, body: JSON.stringify({ price: ack.price }) });
        } else {
          ack = { op: 'delete', id: `s${i}`, at: 0 };
          res = await fetch(`${url}/api/listings/${ack.id}`, { method: 'DELETE', headers: auth });
        }
        await res.arrayBuffer();
        if (res.status >= 300) failures.push(`${ack.op} ${ack.id}: ${res.status}`);
        else acks.push({ ...ack, at: Date.now() });
        await new Promise((r) => setTimeout(r, Math.max(0, 25 - (Date.now() - started))));
      }
    })();

    await new Promise((r) => setTimeout(r, 2_000));
    const backupFile = path.join(work, 'roost-backup.tar.gz');
    const backupStarted = Date.now();
    const backup = await runCli('backup.ts', [backupFile], { DATA_DIR: dataDir });
    await new Promise((r) => setTimeout(r, 1_000));
    writing = false;
    await writer;
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^backup: 5 files \(alerts\.db, messages\.db, photos\.db, roost\.db, session-secret\) → .+, [\d.]+ MB in [\d.]+ s\n$/);
    // The writers were not refused while the backup ran.
    expect(failures).toEqual([]);
    const before = acks.filter((a) => a.at < backupStarted);
    expect(before.length).toBeGreaterThan(20);
    expect(acks.length - before.length).toBeGreaterThan(20);

    const copyDir = path.join(work, 'restored');
    const restore = await runCli('restore.ts', [backupFile], { DATA_DIR: copyDir });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/^restore: 5 files \(alerts\.db, messages\.db, photos\.db, roost\.db, session-secret\) from a backup of .+ into .+restored\n$/);

    // The copy is one consistent moment: the listings are the replay of its change log,
    // and the matcher has not matched past the end of that log.
    const db = new Database(path.join(copyDir, 'roost.db'), { readonly: true });
    let lastSeq: number;
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const replay = new Map<string, string>();
      for (const c of db.prepare('SELECT listing_id, op, after FROM changes ORDER BY seq').iterate() as IterableIterator<{ listing_id: string; op: string; after: string | null }>) {
        if (c.op === 'upsert') {
          const after = JSON.parse(c.after!) as { price: number; title: string; updatedAt: number };
          replay.set(c.listing_id, `${after.title}|${after.price}|${after.updatedAt}`);
        } else replay.delete(c.listing_id);
      }
      const rows = db.prepare('SELECT id, title, price, updated_at FROM listings').all() as { id: string; title: string; price: number; updated_at: number }[];
      const stored = new Map(rows.map((r) => [r.id, `${r.title}|${r.price}|${r.updated_at}`]));
      expect(stored.size).toBe(replay.size);
      expect([...stored].filter(([id, v]) => replay.get(id) !== v)).toEqual([]);
      lastSeq = db.prepare('SELECT MAX(seq) FROM changes').pluck().get() as number;
      const areas = db.prepare('SELECT id FROM search_areas').pluck().all();
      expect(areas).toContain(savedId);
    } finally {
      db.close();
    }
    const alertsDb = new Database(path.join(copyDir, 'alerts.db'), { readonly: true });
    try {
      expect(alertsDb.pragma('integrity_check', { simple: true })).toBe('ok');
      const cursor = (alertsDb.prepare('SELECT cursor FROM matcher').pluck().get() as number | undefined) ?? 0;
      expect(cursor).toBeLessThanOrEqual(lastSeq);
      expect(alertsDb.prepare('SELECT COUNT(*) FROM alerts WHERE seq > ?').pluck().get(lastSeq)).toBe(0);
    } finally {
      alertsDb.close();
    }

    // A server on the copy: every write acknowledged before the backup began is there.
    restored = await NodeProcess.start({ DATA_DIR: copyDir, ADMIN_TOKEN: TOKEN });
    const wrong: string[] = [];
    for (const a of before) {
      const res = await fetch(`${restored.url}/api/listings/${a.id}`);
      const body = res.status === 200 ? ((await res.json()) as { price: number }) : null;
      if (a.op === 'delete' ? res.status !== 404 : res.status !== 200) wrong.push(`${a.op} ${a.id}: ${res.status}`);
      else if (a.op === 'patch' && body!.price !== a.price) wrong.push(`patch ${a.id}: price ${body!.price}, not ${a.price}`);
    }
    expect(wrong).toEqual([]);
    // The renter is still signed by the same secret and still has the search.
    const searches = (await (await renter.api(restored.url, '/api/saved-searches')).json()) as { savedSearches: { id: string }[] };
    expect(searches.savedSearches.map((s) => s.id)).toContain(savedId);
    const world = (await (await fetch(`${restored.url}/api/search?bbox=-180,-85,180,85&zoom=3`)).json()) as { total: number };
    const listings = new Database(path.join(copyDir, 'roost.db'), { readonly: true });
    try {
      expect(world.total).toBe(listings.prepare('SELECT COUNT(*) FROM listings').pluck().get());
    } finally {
      listings.close();
    }
  }, 120_000);

  it('a FILE not ending in .gz or .tgz is a plain tar, restored the same way', async () => {
    const plain = path.join(work, 'again.tar');
    const b = await runCli('backup.ts', [plain], { DATA_DIR: path.join(work, 'restored') });
    expect(b.code).toBe(0);
    // ustar's magic at offset 257: not gzip'd.
    expect(fs.readFileSync(plain).subarray(257, 262).toString('latin1')).toBe('ustar');
    const into = path.join(work, 'again');
    const r = await runCli('restore.ts', [plain], { DATA_DIR: into });
    expect(r.code).toBe(0);
    expect(fs.readdirSync(into).sort()).toEqual(['alerts.db', 'messages.db', 'photos.db', 'roost.db', 'session-secret']);
    expect(fs.readFileSync(path.join(into, 'session-secret'))).toEqual(fs.readFileSync(path.join(dataDir, 'session-secret')));
  });

  it('restore refuses a folder that holds anything, in one line, and leaves it alone', async () => {
    const backupFile = path.join(work, 'roost-backup.tar.gz');
    const busy = path.join(work, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'roost.db'), 'mine');
    const r = await runCli('restore.ts', [backupFile], { DATA_DIR: busy });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^restore failed: DATA_DIR .+busy is not empty \(roost\.db\): restore fills an empty folder only\n$/);
    expect(fs.readFileSync(path.join(busy, 'roost.db'), 'utf8')).toBe('mine');
    const notBackup = path.join(work, 'not-a-backup.tar.gz');
    fs.writeFileSync(notBackup, 'hello');
    const bad = await runCli('restore.ts', [notBackup], { DATA_DIR: path.join(work, 'never') });
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/is not a Roost backup/);
    expect(fs.existsSync(path.join(work, 'never'))).toBe(false);
  });

  it('with DATABASE_URL, backup and restore say to use pg_dump / pg_restore and exit 2', async () => {
    const env = { DATA_DIR: path.join(work, 'pg'), DATABASE_URL: 'postgres://roost@127.0.0.1:1/roost' };
    const b = await runCli('backup.ts', [path.join(work, 'pg.tar.gz')], env);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^backup: the record is in PostgreSQL \(DATABASE_URL\): back it up with pg_dump/);
    const r = await runCli('restore.ts', [path.join(work, 'pg.tar.gz')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/pg_restore/);
  });
});
