import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../ops/metrics';
import { routeOf } from '../ops/metrics';
import { clientIp, type RateLimits } from '../ops/rate-limit';
import { pageSecurityHeaders, setHeaders } from '../ops/security-headers';
import { ApiError, sendError, sendJson } from './api-error';

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export interface RequestHandlerOptions {
  log: Logger;
  metrics: Metrics;
  limits: RateLimits<'search' | 'write'>;
  trustProxy: boolean;
  tileUrl: string;
  dev: boolean;
  /** A page visit without a session cookie gets one (no store write: sessions/visitors.ts). */
  issueSession(req: IncomingMessage, res: ServerResponse): void;
  /** The node's probes: alive, ready (store and bus). */
  ready(): Promise<{ ok: boolean; body: object }>;
  /** API routes in order; the first that takes the request answers it. */
  routes: Route[];
  pages?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

/** Reads that scan the index, so they share the search rate limit. */
const SEARCH_BUDGET = new Set(['/api/search', '/api/listings', '/api/places', '/api/price-histogram']);

/** Which budget a request spends, if any: reads of search results, or writes. */
function budgetOf(method: string, pathname: string): 'search' | 'write' | null {
  if (!pathname.startsWith('/api/')) return null;
  if (method === 'GET' || method === 'HEAD') {
    return SEARCH_BUDGET.has(pathname) ? 'search' : null;
  }
  return 'write';
}

/**
 * Every HTTP request: an id (echoed as X-Request-Id and on every log line), the rate
 * limits, the probes and /metrics, the API, then the pages with their security headers;
 * one JSON log line and one histogram sample when it ends. Nothing a client sends can
 * make it answer 5xx: unknown failures are logged with the id and answered plainly.
 */
export function requestHandler(o: RequestHandlerOptions) {
  const pageHeaders = pageSecurityHeaders(o.tileUrl, o.dev);
  let inFlight = 0;
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    const reqLog = o.log.child({ reqId: id });
    res.setHeader('x-request-id', id);
    res.setHeader('x-content-type-options', 'nosniff');
    const method = req.method ?? 'GET';
    let pathname = '/';
    inFlight++;
    res.once('close', () => {
      inFlight--;
      const route = routeOf(pathname);
      const seconds = (performance.now() - started) / 1000;
      o.metrics.httpDuration.observe({ route, method, status: String(res.statusCode) }, seconds);
      if (route !== '/_next') reqLog.info({ method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      pathname = url.pathname;
      if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (pathname === '/readyz') {
        const r = await o.ready();
        return sendJson(res, r.ok ? 200 : 503, r.body);
      }
      if (pathname === '/metrics') {
        res.writeHead(200, { 'content-type': o.metrics.registry.contentType });
        res.end(await o.metrics.registry.metrics());
        return;
      }
      const budget = budgetOf(method, pathname);
      if (budget) {
        const took = await o.limits.take(budget, clientIp(req, o.trustProxy));
        if (!took.ok) {
          o.metrics.rejected.inc({ limit: budget });
          res.setHeader('retry-after', String(took.retryAfterS));
          throw new ApiError('rate_limited', `too many ${budget === 'search' ? 'searches' : 'writes'}; try again in ${took.retryAfterS} s`);
        }
      }
      for (const route of o.routes) if (await route(req, res, url)) return;
      if (pathname.startsWith('/api/')) throw new ApiError('not_found', `no API route ${pathname}`);
      if (!o.pages) throw new ApiError('not_found', 'not found');
      setHeaders(res, pageHeaders);
      // A renter's first visit to a page issues their session.
      if (!pathname.startsWith('/_next/')) o.issueSession(req, res);
      await o.pages(req, res);
    } catch (err) {
      if (!res.headersSent) sendError(res, err, (msg, e) => reqLog.error({ err: e, url: req.url }, msg));
      else res.destroy();
    }
  };
  return Object.assign(handler, { inFlight: () => inFlight });
}
