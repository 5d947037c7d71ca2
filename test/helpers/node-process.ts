import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './tcp-proxy';
import { ROOT, UNLIMITED } from './roost';

/** How long a node may take to be ready: a few seconds alone, far more on a machine whose two cores are busy. */
const START_MS = 60_000;

/** A Roost node as its own process (server/cli/serve-api.ts), started from the environment. */
export class NodeProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly stderr: () => string,
    readonly dataDir: string | undefined,
  ) {}

  /**
   * Starts a node and waits until /readyz answers 200, or with `until: 'listening'` only
   * until it serves /healthz (a node whose broker is away is up but not ready).
   */
  static async start(env: Record<string, string>, { until = 'ready' }: { until?: 'ready' | 'listening' } = {}): Promise<NodeProcess> {
    const port = await freePort();
    // NODE_PROCESS_ARGS: node flags for every node a test or bench starts (say
    // `--cpu-prof --cpu-prof-dir=/tmp/prof`, which NODE_OPTIONS refuses).
    const flags = process.env.NODE_PROCESS_ARGS?.split(' ').filter(Boolean) ?? [];
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', path.join(ROOT, 'server', 'cli', 'serve-api.ts')], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DEMO_LISTINGS: '0', LOG_LEVEL: 'warn', ...UNLIMITED, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    const url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`node exited ${child.exitCode}: ${err}`);
      if (Date.now() - started > START_MS) throw new Error(`node not ready after ${START_MS / 1000} s: ${err}`);
      try {
        if ((await fetch(`${url}${until === 'ready' ? '/readyz' : '/healthz'}`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return new NodeProcess(child, url, () => err, env.DATA_DIR);
  }

  /** Waits until /readyz answers 200 (its store, bus and search cluster reachable). */
  async untilReady(timeoutMs = 10_000): Promise<void> {
    for (const until = Date.now() + timeoutMs; ; ) {
      if ((await fetch(`${this.url}/readyz`)).ok) return;
      if (Date.now() > until) throw new Error(`${this.url} not ready within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}
