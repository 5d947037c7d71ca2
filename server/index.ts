import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import next from 'next';
import { startRoost } from './app-server';
import { loadConfig } from './config';
import { log } from './log';
import { failedToStart } from './start-error';

const root = path.resolve(import.meta.dirname, '..');

/** `npm start` serves a production build; make one first if there is none. */
function ensureBuild(): void {
  if (fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) return;
  log.info('no production build found: running next build (once)');
  const nextBin = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const result = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`next build failed with exit code ${result.status}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  if (!config.dev) ensureBuild();
  const app = next({ dev: config.dev, dir: root });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  // Next attaches its own upgrade listener (the dev reload socket) on its first request;
  // /ws is Roost's.
  const roost = await startRoost(config, { pages: (req, res) => handleNext(req, res) });
  log.info({ port: roost.port, ms: Math.round(performance.now() - started) }, `Roost ready on http://localhost:${roost.port}`);

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(0), 10_000).unref();
    void roost.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch(failedToStart);
