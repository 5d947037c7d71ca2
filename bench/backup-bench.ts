/**
 * npm run bench:backup [-- --listings N] [--data DIR] [--rounds R]
 *
 * `npm run backup` of a large embedded store while a server on it serves searches and
 * takes ~40 writes a second (issue 28's target: 1,000,000 listings in ≤ 30 s, searches'
 * p95 unchanged within noise). Phases alternate — searches alone (with the writes), then
 * with a backup running, a `.tar.gz` and a `.tar` in turn — R times each, with a last
 * phase alone, so the quiet phases show the noise the backup phases are judged against. `--data DIR` reuses a store made by an
 * earlier run (its listings are kept; the writes add a few hundred).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { commandLine } from '../server/cli/command-line';
import { UNLIMITED } from '../test/helpers/roost';
import { freePort } from '../test/helpers/tcp-proxy';
import { CpuAccount } from './cpu-account';
import { writeDemoFile } from './demo-file';
import { httpGet } from './http-get';
import { fmt, percentiles } from './stats';
import { searchQueryString, viewsFor } from './viewports';

const ROOT = path.resolve(import.meta.dirname, '..');
const TOKEN = 'bench-backup-token-0123456789abcdefghijklmnop';
const QUIET_S = 15;
const WRITES_PER_S = 40;

const args = commandLine('bench:backup', 'usage: npm run bench:backup [-- --listings N] [--data DIR] [--rounds R]', {
  options: { listings: { type: 'string' }, data: { type: 'string' }, rounds: { type: 'string' } },
});
const listings = Number(args.values.listings ?? 1_000_000);
const rounds = Number(args.values.rounds ?? 2);

const line = (s: string) => process.stdout.write(`${s}\n`);

function tsx(script: string, scriptArgs: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...scriptArgs], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
}

/** A store of `n` demo listings in `dir`, made by `npm run import` unless one is there. */
function ensureStore(dir: string, n: number): void {
  if (fs.existsSync(path.join(dir, 'roost.db'))) {
    line(`store: reusing ${dir}`);
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, '..', `demo-${n}.ndjson`);
  writeDemoFile(n, file);
  const started = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'cli', 'import.ts'), file], { cwd: ROOT, env: { ...process.env, DATA_DIR: dir }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  fs.rmSync(file);
  line(`store: ${r.stdout.trim().split('\n').pop()} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function startServer(dataDir: string): Promise<{ child: ChildProcess; base: string }> {
  const port = await freePort();
  const child = tsx('server/cli/serve-api.ts', [], { ...UNLIMITED, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', DEMO_LISTINGS: '0', LOG_LEVEL: 'warn', ADMIN_TOKEN: TOKEN });
  // Stopped or failed midway, the bench must not leave a server on the store behind it.
  process.on('exit', () => child.kill('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}`);
    if (performance.now() - started > 300_000) throw new Error('server not ready after 300 s');
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  line(`server ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { child, base };
}

/**
 * CPU seconds a process has used, read from /proc while it runs (CpuAccount reads a
 * process at the end of a stretch, when a finished backup has no /proc entry left).
 */
function cpuSecondsWhileRunning(pid: number): { stop(): number } {
  let last = 0;
  const read = () => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime (fields 14 and 15 of stat, in clock ticks of 1/100 s)
      last = (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // exited: the last reading stands
    }
  };
  const timer = setInterval(read, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return last;
    },
  };
}

/**
 * Copying roost.db itself, before any server runs: VACUUM INTO against SQLite's online
 * backup API, the latter inside a held read transaction (what `npm run backup` does) and
 * in better-sqlite3's default steps of 100 pages while another connection writes every
 * 25 ms (each write makes the next step start the copy over).
 */
async function compareCopies(dataDir: string, work: string): Promise<void> {
  const src = path.join(dataDir, 'roost.db');
  const dest = path.join(work, 'copy.db');
  const timed = async (name: string, copy: () => Promise<string>) => {
    fs.rmSync(dest, { force: true });
    const t = performance.now();
    const note = await copy();
    const size = fs.existsSync(dest) ? `, ${(fs.statSync(dest).size / 1024 / 1024).toFixed(0)} MB` : '';
    line(`  ${name}: ${((performance.now() - t) / 1000).toFixed(1)} s${size}${note}`);
  };
  line(`copying roost.db (${(fs.statSync(src).size / 1024 / 1024).toFixed(0)} MB), no server running:`);
  for (let round = 0; round < 2; round++) {
    if (round === 1) line('  (again)');
    await timed('VACUUM INTO', async () => {
      const db = new Database(src, { readonly: true });
      db.prepare('VACUUM INTO ?').run(dest);
      db.close();
      return '';
    });
    await timed('backup API in a held read transaction, 4096 pages a step', async () => {
      const db = new Database(src);
      db.exec('BEGIN');
      db.prepare('SELECT COUNT(*) FROM sqlite_master').get();
      await db.backup(dest, { progress: () => 4096 });
      db.exec('COMMIT');
      db.close();
      return '';
    });
    if (round === 1) break;
    await timed('backup API, 100 pages a step, a write every 25 ms by another connection', async () => {
      const writer = new Database(src);
      const put = writer.prepare("INSERT INTO meta (key, value) VALUES ('bench-backup', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
      let writes = 0;
      const timer = setInterval(() => put.run(String(writes++)), 25);
      const db = new Database(src);
      let restarts = 0;
      let remaining = Infinity;
      let steps = 0;
      const giveUpAt = performance.now() + 30_000;
      try {
        await db.backup(dest, {
          progress: (p) => {
            steps++;
            if (p.remainingPages > remaining) restarts++;
            remaining = p.remainingPages;
            if (performance.now() > giveUpAt) throw new Error(`not done after 30 s: ${p.remainingPages} of ${p.totalPages} pages left`);
            return 100;
          },
        });
      } catch (err) {
        return ` — ${(err as Error).message}, ${restarts} restarts, ${steps} steps, ${writes} writes`;
      } finally {
        clearInterval(timer);
        db.close();
        writer.prepare("DELETE FROM meta WHERE key = 'bench-backup'").run();
        writer.close();
      }
      return `, ${restarts} restarts, ${steps} steps, ${writes} writes`;
    });
  }
  fs.rmSync(dest, { force: true });
}

interface Timed {
  at: number;
  ms: number;
}

/** The bench's own folder (its store, unless `--data` names one, and the backups): removed at the end, failed or not. */
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-backup-bench-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

async function main(): Promise<void> {
  const dataDir = args.values.data ? path.resolve(args.values.data) : path.join(work, 'data');
  line(`# npm run backup while serving — ${listings.toLocaleString('en-US')} listings, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${new Date().toISOString()}`);
  ensureStore(dataDir, listings);
  await compareCopies(dataDir, work);
  const sizes = fs.readdirSync(dataDir).map((f) => `${f} ${(fs.statSync(path.join(dataDir, f)).size / 1024 / 1024).toFixed(0)} MB`);
  const { child: server, base } = await startServer(dataDir);
  line(`DATA_DIR: ${sizes.join(', ')}`);

  const db = new Database(path.join(dataDir, 'roost.db'), { readonly: true });
  const centres = db.prepare('SELECT lat, lon FROM listings LIMIT 20000').all() as { lat: number; lon: number }[];
  db.close();
  const views = viewsFor([10, 12, 13, 14, 15, 16, 17], centres, 2_000, 'mixed');

  const searches: Timed[] = [];
  const writes: Timed[] = [];
  let running = true;
  const searcher = (async () => {
    for (let i = 0; running; i++) {
      const t = performance.now();
      await httpGet(`${base}/api/search?${searchQueryString(views[i % views.length]!)}`);
      searches.push({ at: Date.now(), ms: performance.now() - t });
    }
  })();
  const writer = (async () => {
    for (let i = 0; running; i++) {
      const t = performance.now();
      const res = await fetch(`${base}/api/listings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: `bench-backup-${Date.now()}-${i}`, title: 'Written during the bench', lat: 40.72, lon: -73.95, price: 2100, type: 'entire', district: 'D', neighbourhood: 'N' }),
      });
      await res.arrayBuffer();
      if (res.status !== 201) throw new Error(`write answered ${res.status}`);
      writes.push({ at: Date.now(), ms: performance.now() - t });
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 / WRITES_PER_S - (performance.now() - t))));
    }
  })();

  const rows: string[] = [];
  const phase = (name: string, from: number, to: number, cpu: ReturnType<CpuAccount['stop']>, extra = '') => {
    const s = percentiles(searches.filter((x) => x.at >= from && x.at < to).map((x) => x.ms));
    const w = percentiles(writes.filter((x) => x.at >= from && x.at < to).map((x) => x.ms));
    rows.push(`| ${name} | ${((to - from) / 1000).toFixed(1)} | ${s.n} | ${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)} | ${w.n} | ${fmt(w.p50)} / ${fmt(w.p95)} / ${fmt(w.p99)} | ${extra} |`);
    line(`${name}: searches p50/p95/p99 ${fmt(s.p50)} / ${fmt(s.p95)} / ${fmt(s.p99)} ms (n ${s.n}); writes ${fmt(w.p50)} / ${fmt(w.p95)} / ${fmt(w.p99)} ms (n ${w.n}); ${CpuAccount.describe(cpu)}`);
  };
  const quiet = async (name: string) => {
    const cpu = CpuAccount.start({ server: server.pid! });
    const from = Date.now();
    await new Promise((r) => setTimeout(r, QUIET_S * 1000));
    phase(name, from, Date.now(), cpu.stop());
  };

  // The first seconds warm the server's code paths; not counted.
  await new Promise((r) => setTimeout(r, 5_000));
  const backups: string[] = [];
  let phaseNo = 0;
  for (let round = 1; round <= rounds * 2; round++) {
    await quiet(`alone ${++phaseNo}`);
    // gzip'd and plain in turn: compression is most of what a backup costs the machine.
    const file = path.join(work, `backup-${round}.${round % 2 ? 'tar.gz' : 'tar'}`);
    const from = Date.now();
    const backup = tsx('server/cli/backup.ts', [file], { DATA_DIR: dataDir });
    const cpu = CpuAccount.start({ server: server.pid! });
    const backupCpu = cpuSecondsWhileRunning(backup.pid!);
    let out = '';
    backup.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => backup.on('exit', resolve));
    const to = Date.now();
    if (code !== 0) throw new Error(`backup exited ${code}`);
    const seconds = (to - from) / 1000;
    backups.push(`${seconds.toFixed(1)} s (${path.extname(file)})`);
    const used = backupCpu.stop();
    phase(`backup ${round}: ${path.basename(file).replace(/^backup-\d+/, '')}`, from, to, cpu.stop(), `${seconds.toFixed(1)} s, ${(fs.statSync(file).size / 1024 / 1024).toFixed(0)} MB, ${used.toFixed(1)} CPU s`);
    line(`  ${out.trim()}`);
    fs.rmSync(file);
  }
  await quiet(`alone ${++phaseNo}`);
  running = false;
  await Promise.all([searcher, writer]);
  server.kill('SIGTERM');

  line('');
  line('| phase | s | searches | search p50 / p95 / p99 ms | writes | write p50 / p95 / p99 ms | backup (whole command) |');
  line('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) line(r);
  line('');
  line(`npm run backup of ${listings.toLocaleString('en-US')} listings while serving: ${backups.join(', ')} (target ≤ 30 s)`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:backup failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
