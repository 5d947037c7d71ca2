import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import next from 'next';
import { loadConfig } from './config';
import { fillDemoIfEmpty } from './demo/fill-demo';
import { EmbeddedEngine } from './engine/embedded/embedded-engine';
import { SqliteStore } from './engine/embedded/sqlite-store';
import { sendError, sendJson } from './http/api-error';
import { handleApi } from './http/api-routes';
import { log } from './log';

const root = path.resolve(import.meta.dirname, '..');

/** `npm start` serves a production build; make one first if there is none. */
function ensureBuild(): void {
  if (fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) return;
  log.info('no production build found: running next build (once)');
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`next build failed with exit code ${result.status}`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  if (config.ELASTICSEARCH_URL || config.OPENSEARCH_URL) {
    throw new Error('the cluster engine (ELASTICSEARCH_URL / OPENSEARCH_URL) is not part of this build yet; unset it to use the embedded engine');
  }

  const seedStore = new SqliteStore(config.dataDir);
  const filled = fillDemoIfEmpty(seedStore, config.DEMO_LISTINGS);
  seedStore.close();
  if (filled > 0) log.info({ listings: filled }, 'empty store: filled it with the demo city');

  const engine = EmbeddedEngine.open({ dataDir: config.dataDir });
  log.info({ listings: engine.index.count, ms: Math.round(performance.now() - started) }, 'embedded engine loaded');

  if (!config.dev) ensureBuild();
  const app = next({ dev: config.dev, dir: root });
  await app.prepare();
  const handleNext = app.getRequestHandler();
  const ctx = { engine, boundaries: () => engine.boundaries() };

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/readyz') {
        const health = await engine.health();
        return sendJson(res, health.ok ? 200 : 503, { status: health.ok ? 'ready' : 'unavailable', engine: health.detail });
      }
      if (await handleApi(ctx, req, res, url)) return;
      await handleNext(req, res);
    } catch (err) {
      if (!res.headersSent) sendError(res, err, (msg, e) => log.error({ err: e, url: req.url }, msg));
      else res.destroy();
    }
  });

  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  log.info({ port, ms: Math.round(performance.now() - started) }, `Roost ready on http://localhost:${port}`);

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    server.close(() => {
      void engine.close().then(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'failed to start');
  process.exit(1);
});
