import next from 'next';
import { startRoost } from './app-server';
import { loadConfig } from './config';
import { log } from './log';
import { PROJECT_ROOT } from './project-root';
import { failedToStart } from './start-error';

/**
 * The server `npm start` runs: built once into dist/server.js by `npm run build` (as
 * `next build` builds the pages; `npm start` builds what is missing or stale first, see
 * server/cli/build.mjs) and run by plain node in the foreground, so a process manager's
 * SIGTERM reaches it and it drains. `npm run dev` runs it from its sources.
 */
async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const app = next({ dev: config.dev, dir: PROJECT_ROOT });
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
