import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
// One client address makes every request of a benchmark: no per-address limits.
import { UNLIMITED } from '../test/helpers/roost';
import { freePort } from '../test/helpers/tcp-proxy';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The real server as `npm start` runs it (the built bundle, pages included) as its own process, once ready. */
export async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; base: string; readyMs: number }> {
  const built = spawnSync(process.execPath, [path.join(ROOT, 'server', 'cli', 'build.mjs'), '--if-needed'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('build failed');
  // A port the caller chose (PUBLIC_URL names it), else a free one.
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--enable-source-maps', path.join(ROOT, 'dist', 'server', 'index.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_LISTINGS: '0', LOG_LEVEL: 'warn', ...UNLIMITED, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  child.on('exit', (code, signal) => process.stderr.write(`server on port ${port} exited: code ${code}, signal ${signal}\n`));
  // A benchmark that fails midway must not leave a server listening behind it.
  process.on('exit', () => child.kill('SIGKILL'));
  const base = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, base, readyMs: performance.now() - started };
}
