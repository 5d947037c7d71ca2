import http from 'node:http';
import type { Config } from './config';
import { fillDemoIfEmpty } from './demo/fill-demo';
import { EmbeddedEngine } from './engine/embedded/embedded-engine';
import { SqliteStore } from './engine/embedded/sqlite-store';
import { sendError, sendJson } from './http/api-error';
import { handleApi } from './http/api-routes';
import { log } from './log';
import { setRuntime } from './runtime';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

export interface RoostServer {
  server: http.Server;
  engine: EmbeddedEngine;
  port: number;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Renders everything that is not the API or a probe; without it those paths are 404s. */
  pages?: Handler;
}

/**
 * The engine and one HTTP server for the API, the probes and (when given) the pages.
 * Tests start it without pages; `server/index.ts` adds Next.js.
 */
export async function startRoost(config: Config, options: StartOptions = {}): Promise<RoostServer> {
  if (config.ELASTICSEARCH_URL || config.OPENSEARCH_URL) {
    throw new Error(
      'the cluster engine (ELASTICSEARCH_URL / OPENSEARCH_URL) is not part of this build yet; unset it to use the embedded engine',
    );
  }
  const seedStore = new SqliteStore(config.dataDir);
  const filled = fillDemoIfEmpty(seedStore, config.DEMO_LISTINGS);
  seedStore.close();
  if (filled > 0) log.info({ listings: filled }, 'empty store: filled it with the demo city');

  const started = performance.now();
  const engine = EmbeddedEngine.open({ dataDir: config.dataDir });
  log.info({ listings: engine.index.count, ms: Math.round(performance.now() - started) }, 'embedded engine loaded');
  const ctx = { engine, boundaries: () => engine.boundaries() };
  setRuntime({ engine, tileUrl: config.TILE_URL, tileAttribution: config.TILE_ATTRIBUTION });

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (url.pathname === '/readyz') {
        const health = await engine.health();
        return sendJson(res, health.ok ? 200 : 503, { status: health.ok ? 'ready' : 'unavailable', engine: health.detail });
      }
      if (await handleApi(ctx, req, res, url)) return;
      if (options.pages) return await options.pages(req, res);
      sendJson(res, 404, { error: { code: 'not_found', message: 'not found' } });
    } catch (err) {
      if (!res.headersSent) sendError(res, err, (msg, e) => log.error({ err: e, url: req.url }, msg));
      else res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  return {
    server,
    engine,
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await engine.close();
    },
  };
}
