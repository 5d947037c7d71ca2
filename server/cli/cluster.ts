/**
 * npm run cluster [-- --nodes N]
 *
 * Several Roost nodes on one machine: a redis-server of its own (unless REDIS_URL is
 * set), then N nodes on consecutive ports from PORT (default 3000) sharing DATA_DIR, as
 * `npm start` runs them. deploy/nginx.conf puts them behind one port, so the nodes listen
 * on loopback only and believe that one proxy's X-Forwarded-For (HOST=127.0.0.1 and
 * TRUST_PROXY=1 unless set): reached around nginx, a client could name its own address.
 * Ctrl-C stops all.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { commandLine } from './command-line';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const REDIS_PORT = 6390;

function fail(message: string): never {
  process.stderr.write(`cluster: ${message}\n`);
  process.exit(2);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer().once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  const args = commandLine('cluster', 'usage: npm run cluster [-- --nodes N]', { options: { nodes: { type: 'string', default: '3' } } }).values;
  const count = Number(args.nodes);
  if (!Number.isInteger(count) || count < 1 || count > 16) fail('--nodes must be an integer from 1 to 16');
  const basePort = Number(process.env.PORT ?? 3000);
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = () => {
    stopping = true;
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);

  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    if (spawnSync('redis-server', ['--version']).error) fail('REDIS_URL is not set and redis-server is not installed (Debian: apt-get install redis-server)');
    if (!(await portFree(REDIS_PORT))) fail(`port ${REDIS_PORT} for our redis-server is taken; set REDIS_URL to use a running Redis`);
    const redis = spawn('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    children.push(redis);
    redisUrl = `redis://127.0.0.1:${REDIS_PORT}`;
    process.stderr.write(`cluster: redis-server on ${redisUrl}\n`);
  }
  // One build before the nodes start (what is missing or stale), so they do not all build at once.
  const b = spawnSync(process.execPath, [path.join(ROOT, 'server', 'cli', 'build.mjs'), '--if-needed'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) fail('the build failed');
  for (let i = 0; i < count; i++) {
    const port = basePort + i;
    const child = spawn(process.execPath, ['--enable-source-maps', path.join(ROOT, 'dist', 'server', 'index.js')], {
      cwd: ROOT,
      env: { HOST: '127.0.0.1', TRUST_PROXY: '1', ...process.env, PORT: String(port), REDIS_URL: redisUrl },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(child);
    child.on('exit', (code) => {
      if (!stopping) process.stderr.write(`cluster: node on port ${port} exited with ${code}\n`);
    });
    process.stderr.write(`cluster: node ${i + 1} on http://localhost:${port}\n`);
    // The first node fills an empty store with the demo city before the others open it.
    if (i === 0) {
      for (;;) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) break;
        } catch {
          // starting
        }
        if (child.exitCode !== null) fail(`the first node exited with ${child.exitCode}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
}

main().catch((err: unknown) => fail((err as Error).message));
