import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './tcp-proxy';

/** The newest PostgreSQL server binaries Debian installed (`/usr/lib/postgresql/<v>/bin`), or null. */
export function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], 'bin') : null;
}

/** The `postgres` system user: initdb and postgres refuse to run as root. */
function postgresUser(): { uid: number; gid: number } {
  const r = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (r.status !== 0 || g.status !== 0) throw new Error('no postgres user on this machine (apt-get install postgresql)');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * Our own PostgreSQL (never the machine's on 5432): a fresh cluster in a temporary folder
 * on a free port, so fault tests can kill and restart it. fsync is off: tests kill the
 * server process, not the machine, and what the server wrote is in the page cache then.
 */
export class PostgresServer {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly bin: string,
    private readonly user: { uid: number; gid: number },
  ) {}

  static async start(): Promise<PostgresServer> {
    const bin = postgresBin();
    if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
    const user = postgresUser();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-pg-'));
    fs.chownSync(dir, user.uid, user.gid);
    const init = spawnSync(path.join(bin, 'initdb'), ['-D', path.join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'], {
      uid: user.uid,
      gid: user.gid,
      encoding: 'utf8',
    });
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
    const server = new PostgresServer(await freePort(), dir, bin, user);
    await server.restart();
    return server;
  }

  /** A database URL for `name` (created on first use by `createDatabase`). */
  url(name = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${name}`;
  }

  get pid(): number {
    return this.child?.pid ?? 0;
  }

  async createDatabase(name: string): Promise<string> {
    const r = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE "${name}"`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`CREATE DATABASE ${name}: ${r.stderr}`);
    return this.url(name);
  }

  async restart(): Promise<void> {
    const args = ['-D', path.join(this.dir, 'data'), '-p', String(this.port), '-k', this.dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200'];
    const child = spawn(path.join(this.bin, 'postgres'), args, { uid: this.user.uid, gid: this.user.gid, stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited ${child.exitCode}: ${err}`);
      const ready = spawnSync(path.join(this.bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(this.port)], { encoding: 'utf8' });
      if (ready.status === 0) return;
      if (Date.now() > deadline) throw new Error(`postgres not ready after 30 s: ${err}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGKILL: the crash, not a shutdown (PostgreSQL recovers from its WAL on restart). */
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGKILL');
    await exited;
    // The postmaster's children die with it a moment later; wait for the port to free.
    await new Promise((r) => setTimeout(r, 200));
  }

  /** A fast shutdown, then the folder removed. */
  async stop(): Promise<void> {
    const c = this.child;
    if (c && c.exitCode === null) {
      const exited = new Promise((resolve) => c.once('exit', resolve));
      c.kill('SIGINT');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
