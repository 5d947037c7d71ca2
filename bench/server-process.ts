import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
/** The benchmark is one client address making every request: no per-address limits. */
const UNLIMITED = { RATE_SEARCH_PER_S: '1000000', RATE_WRITE_PER_S: '1000000', WS_MAX_PER_IP: '1000000', WS_FRAMES_PER_S: '1000000' };

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The real server (`server/index.ts`, pages included) as its own process, once ready. */
export async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; base: string; readyMs: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'index.ts')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_LISTINGS: '0', LOG_LEVEL: 'warn', ...UNLIMITED, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
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
