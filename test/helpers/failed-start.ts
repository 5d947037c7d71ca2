import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, tempDir, UNLIMITED } from './roost';

/**
 * Starts a node (server/cli/serve-api.ts) with `env` and waits for it to exit, as a
 * node that cannot start does; one still running after 20 s is killed (code null).
 */
export function startExpectingExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'cli', 'serve-api.ts')], {
      cwd: ROOT,
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DEMO_LISTINGS: '0', LOG_LEVEL: 'warn', DATA_DIR: tempDir('failed-start'), ...UNLIMITED, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
