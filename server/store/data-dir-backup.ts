import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import * as tar from 'tar';

/**
 * A copy of DATA_DIR — every SQLite database in it (listings and their log, saved searches
 * and alerts, and whatever later releases keep there: photos, accounts) and every other
 * file (the session secret) — as one tar, gzip'd when its name ends in `.gz` or `.tgz`,
 * written while servers keep serving and writing; and the way back into an empty DATA_DIR.
 *
 * A tar, not a SQLite container: the copies are SQLite files already, a tar holds them as
 * they are (`tar tzf` lists it, `tar xzf` restores it by hand in an emergency), it streams,
 * and it has no 1 GB limit on a member as a BLOB has. Compression is the operator's choice
 * by the name, as `tar -a` does: gzip at level 1 packs a 1,000,000-listing store of 503 MB
 * to 137 MB in 4.0 s of one core (level 6 made 114 MB in 10.4 s) — most of what a backup
 * costs the machine; a plain `.tar` costs a fraction of that and keeps the size.
 */

/** The backup's table of contents, the first member; restore checks every file against it. */
export const MANIFEST = 'roost-backup.json';
const FORMAT = 1;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** What SQLite keeps beside an open database: the copy holds their committed content. */
const SIDE_FILE = /-(wal|shm|journal)$/;
/** A file system's own folder on a fresh volume: a DATA_DIR holding only it is empty. */
const FS_OWN = new Set(['lost+found']);
/** How long taking the snapshots waits for a writer's transaction to end (an import's batch). */
const LOCK_WAIT_MS = 10_000;

export interface BackupEntry {
  /** Path inside DATA_DIR, with `/` separators. */
  name: string;
  kind: 'sqlite' | 'file';
  bytes: number;
}

export interface Manifest {
  format: number;
  createdAt: string;
  files: BackupEntry[];
}

/** A refusal or failure said in one line (the commands print it and exit 1). */
export class BackupError extends Error {}

function isSqlite(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_MAGIC.length);
    return fs.readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_MAGIC);
  } finally {
    fs.closeSync(fd);
  }
}

/** Every regular file under `dir`, relative, sorted; SQLite's side files left out. */
function filesUnder(dir: string, sub = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!(sub === '' && FS_OWN.has(entry.name))) out.push(...filesUnder(dir, rel));
    } else if (entry.isFile() && !SIDE_FILE.test(entry.name)) out.push(rel);
  }
  return out.sort();
}

/**
 * A read transaction on every database, all begun while every database's write lock is
 * held, so no commit falls between one snapshot and the next: together they are one
 * consistent cut (the alert matcher's cursor in alerts.db never ahead of the change log
 * in roost.db it points into, no saved search in one file missing from the other).
 * Writers wait for those few milliseconds (busy_timeout), they are not refused. Each
 * reader then copies its own file at leisure while writers go on: in WAL mode a read
 * transaction sees its snapshot however long it stays open. (Every database Roost opens is
 * WAL, through openSharedDatabase; one in rollback-journal mode would make its writers
 * wait for the whole copy.)
 */
function snapshotAll(dataDir: string, names: string[]): Database.Database[] {
  const writers: Database.Database[] = [];
  const readers: Database.Database[] = [];
  try {
    for (const name of names) {
      const w = new Database(path.join(dataDir, name), { fileMustExist: true, timeout: LOCK_WAIT_MS });
      writers.push(w);
      w.exec('BEGIN IMMEDIATE');
    }
    for (const name of names) {
      const r = new Database(path.join(dataDir, name), { fileMustExist: true, timeout: LOCK_WAIT_MS });
      readers.push(r);
      r.exec('BEGIN');
      // A read transaction starts at its first read: this one pins the snapshot now.
      r.prepare('SELECT COUNT(*) FROM sqlite_master').get();
    }
    return readers;
  } catch (err) {
    for (const r of readers) r.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      throw new BackupError(`a writer held DATA_DIR's databases for over ${LOCK_WAIT_MS / 1000} s (an import's transaction?); try again`);
    }
    throw err;
  } finally {
    for (const w of writers) {
      if (w.inTransaction) w.exec('ROLLBACK');
      w.close();
    }
  }
}

/** Whether a backup's name asks for gzip (`.tar.gz`, `.tgz`, `.gz`). */
export function compressed(file: string): boolean {
  return /\.(t?gz)$/i.test(file);
}

function fsyncFile(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export interface BackupReport {
  manifest: Manifest;
  /** Bytes of the backup file. */
  bytes: number;
}

/**
 * Writes DATA_DIR's consistent copy to `file` (replaced whole: a backup there is either
 * the old one or the new one, never half). Servers on the folder keep serving and writing.
 */
export async function backupDataDir(dataDir: string, file: string): Promise<BackupReport> {
  const dir = path.resolve(dataDir);
  const out = path.resolve(file);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new BackupError(`DATA_DIR ${dir} does not exist`);
  if (out === dir || out.startsWith(dir + path.sep)) throw new BackupError(`${file} is inside DATA_DIR: write the backup elsewhere`);
  const names = filesUnder(dir);
  const databases = names.filter((n) => isSqlite(path.join(dir, n)));
  if (databases.length === 0) throw new BackupError(`DATA_DIR ${dir} holds no Roost store (no SQLite database in it)`);
  const plain = names.filter((n) => !databases.includes(n));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const stage = fs.mkdtempSync(path.join(path.dirname(out), '.roost-backup-'));
  const partial = `${stage}.partial`;
  try {
    const readers = snapshotAll(dir, databases);
    try {
      for (const [i, name] of databases.entries()) {
        const copy = path.join(stage, name);
        fs.mkdirSync(path.dirname(copy), { recursive: true });
        // Within the reader's own transaction: the copy is its snapshot, and writes by
        // others cannot restart it (the backup API restarts when its source changes
        // between steps only when it took a fresh read lock for each step).
        await readers[i]!.backup(copy, { progress: () => 4096 });
      }
    } finally {
      for (const r of readers) {
        if (r.inTransaction) r.exec('COMMIT');
        r.close();
      }
    }
    for (const name of plain) {
      fs.mkdirSync(path.dirname(path.join(stage, name)), { recursive: true });
      fs.copyFileSync(path.join(dir, name), path.join(stage, name));
    }
    const files: BackupEntry[] = [...databases, ...plain].sort().map((name) => ({
      name,
      kind: databases.includes(name) ? 'sqlite' : 'file',
      bytes: fs.statSync(path.join(stage, name)).size,
    }));
    const manifest: Manifest = { format: FORMAT, createdAt: new Date().toISOString(), files };
    fs.writeFileSync(path.join(stage, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await tar.c({ gzip: compressed(out) ? { level: 1 } : false, file: partial, cwd: stage, portable: true }, [MANIFEST, ...files.map((f) => f.name)]);
    fsyncFile(partial);
    fs.renameSync(partial, out);
    fsyncFile(path.dirname(out));
    return { manifest, bytes: fs.statSync(out).size };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
    fs.rmSync(partial, { force: true });
  }
}

/** The entries of a folder that make it not empty (a fresh volume's lost+found does not). */
function contentsOf(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  if (!fs.statSync(dir).isDirectory()) throw new BackupError(`DATA_DIR ${dir} is not a folder`);
  return fs.readdirSync(dir).filter((n) => !FS_OWN.has(n));
}

/**
 * Fills an empty (or missing) DATA_DIR from a backup; refuses a folder holding anything,
 * so a restore can never mix two stores or overwrite a live one. The backup is unpacked
 * beside DATA_DIR first and checked — every file the manifest names, of its size, each
 * database passing SQLite's quick_check — and only then moved in.
 */
export async function restoreDataDir(file: string, dataDir: string): Promise<Manifest> {
  const dir = path.resolve(dataDir);
  const present = contentsOf(dir);
  if (present.length > 0) {
    throw new BackupError(`DATA_DIR ${dir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}): restore fills an empty folder only`);
  }
  if (!fs.existsSync(file)) throw new BackupError(`cannot read ${file}: no such file`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const stage = fs.mkdtempSync(path.join(path.dirname(dir), '.roost-restore-'));
  try {
    try {
      // Regular files and folders only, never outside `stage` (node-tar strips `..` and absolute paths).
      await tar.x({ file, cwd: stage, strict: true, filter: (_p, entry) => 'type' in entry && (entry.type === 'File' || entry.type === 'Directory') });
    } catch (err) {
      throw new BackupError(`${file} is not a Roost backup: ${(err as Error).message}`);
    }
    const manifest = readManifest(stage, file);
    for (const f of manifest.files) {
      const at = path.join(stage, f.name);
      if (!fs.existsSync(at) || fs.statSync(at).size !== f.bytes) throw new BackupError(`${file} is damaged: ${f.name} is missing or cut short`);
      if (f.kind === 'sqlite') {
        const db = new Database(at, { fileMustExist: true });
        try {
          const check = db.pragma('quick_check', { simple: true });
          if (check !== 'ok') throw new BackupError(`${file} is damaged: ${f.name} fails SQLite's check (${String(check)})`);
        } finally {
          db.close();
        }
      }
      fsyncFile(at);
    }
    fs.rmSync(path.join(stage, MANIFEST));
    if (!fs.existsSync(dir)) {
      fs.renameSync(stage, dir);
    } else {
      for (const entry of fs.readdirSync(stage)) fs.renameSync(path.join(stage, entry), path.join(dir, entry));
    }
    fsyncFile(dir);
    return manifest;
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function readManifest(stage: string, file: string): Manifest {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(stage, MANIFEST), 'utf8')) as Manifest;
  } catch {
    throw new BackupError(`${file} is not a Roost backup (no ${MANIFEST} in it)`);
  }
  if (manifest.format !== FORMAT || !Array.isArray(manifest.files)) {
    throw new BackupError(`${file} is a backup of format ${String(manifest.format)}; this release reads format ${FORMAT}`);
  }
  for (const f of manifest.files) {
    if (typeof f.name !== 'string' || f.name.split('/').some((part) => part === '..' || part === '') || path.isAbsolute(f.name)) {
      throw new BackupError(`${file} is damaged: its manifest names ${JSON.stringify(f.name)}`);
    }
  }
  return manifest;
}
