import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Metrics } from '../ops/metrics';
import { methodOf, routeOf } from '../ops/metrics';
import { cameOverTls, clientIp, undeclaredProxyNotice } from '../ops/forwarded';
import type { FairTurns } from '../ops/fair-turns';
import type { RateLimits } from '../ops/rate-limit';
import { applyPageHeaders, HSTS, pageSecurityHeaders } from '../ops/security-headers';
import { ApiError, sendError, sendJson } from './api-error';

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export interface RequestHandlerOptions {
  log: Logger;
  metrics: Metrics;
  limits: RateLimits<'search' | 'write'>;
  /** Proxies in front whose forwarding headers are believed (TRUST_PROXY; ops/forwarded.ts). */
  trustProxy: number;
  /** Throws the refusal when a request may not read /metrics (ops/metrics-access.ts). */
  metricsAccess(req: IncomingMessage): void;
  tileUrl: string;
  dev: boolean;
  /** A page visit without a session cookie gets one (no store write: sessions/visitors.ts). */
  issueSession(req: IncomingMessage, res: ServerResponse): void;
  /** The node's probes: alive, ready (store and bus). */
  ready(): Promise<{ ok: boolean; body: object }>;
  /** API routes in order; the first that takes the request answers it. */
  routes: Route[];
  /** Turns for requests on the search budget, dealt fairly by client address (ops/fair-turns.ts). */
  searchTurns?: FairTurns;
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
 * The request's target as a URL. `//host/x` is a path here, not another host; a target
 * that is no URL at all (`//[`) is the client's mistake, not a 500.
 */
function requestUrl(target: string): URL {
  try {
    return target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost');
  } catch {
    throw new ApiError('bad_request', 'the request target is not a valid URL', 'path');
  }
}

/** Whether one of the routes took the request. */
async function routeApi(routes: Route[], req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  for (const route of routes) if (await route(req, res, url)) return true;
  return false;
}

function decodes(text: string): boolean {
  try {
    decodeURIComponent(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Every HTTP request: an id (echoed as X-Request-Id and on every log line), the rate
 * limits, the probes and /metrics, the API, then the pages with their security headers;
 * one JSON log line and one histogram sample when it ends. Nothing a client sends can
 * make it answer 5xx: unknown failures are logged with the id and answered plainly.
 */
export function requestHandler(o: RequestHandlerOptions) {
  const pageHeaders = pageSecurityHeaders(o.tileUrl, o.dev);
  const noticeProxy = undeclaredProxyNotice(o.trustProxy, (message) => o.log.warn(message));
  let inFlight = 0;
  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    const reqLog = o.log.child({ reqId: id });
    res.setHeader('x-request-id', id);
    res.setHeader('x-content-type-options', 'nosniff');
    // Over TLS (here or at a trusted proxy), browsers are told to keep to it.
    if (cameOverTls(req, o.trustProxy)) res.setHeader('strict-transport-security', HSTS);
    noticeProxy(req);
    const method = req.method ?? 'GET';
    let pathname = '/';
    inFlight++;
    res.once('close', () => {
      inFlight--;
      const route = routeOf(pathname);
      const seconds = (performance.now() - started) / 1000;
      o.metrics.httpDuration.observe({ route, method: methodOf(method), status: String(res.statusCode) }, seconds);
      if (route !== '/_next') reqLog.info({ method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    try {
      const url = requestUrl(req.url ?? '/');
      pathname = url.pathname;
      // A page path that does not decode (`/listings/%`) is the client's mistake, not the
      // renderer's 500; API routes name the part that does not decode themselves (`id`).
      if (!pathname.startsWith('/api/') && !decodes(pathname)) throw new ApiError('bad_request', 'the path is not valid percent-encoding', 'path');
      if (pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
      if (pathname === '/readyz') {
        const r = await o.ready();
        return sendJson(res, r.ok ? 200 : 503, r.body);
      }
      if (pathname === '/metrics') {
        o.metricsAccess(req);
        res.writeHead(200, { 'content-type': o.metrics.registry.contentType });
        res.end(await o.metrics.registry.metrics());
        return;
      }
      const budget = budgetOf(method, pathname);
      const ip = clientIp(req, o.trustProxy);
      if (budget) {
        const took = await o.limits.take(budget, ip);
        if (!took.ok) {
          o.metrics.rejected.inc({ limit: budget });
          res.setHeader('retry-after', String(took.retryAfterS));
          throw new ApiError('rate_limited', `too many ${budget === 'search' ? 'searches' : 'writes'}; try again in ${took.retryAfterS} s`);
        }
      }
      if (budget === 'search' && o.searchTurns) {
        const turn = await o.searchTurns.run(ip, () => routeApi(o.routes, req, res, url));
        if (!turn.ran) {
          res.setHeader('retry-after', '1');
          if (turn.reason === 'address') throw new ApiError('rate_limited', 'too many searches waiting from this address; wait for their answers');
          throw new ApiError('unavailable', 'this node is busy; try again shortly');
        }
        if (turn.value) return;
      } else if (await routeApi(o.routes, req, res, url)) return;
      if (pathname.startsWith('/api/')) throw new ApiError('not_found', `no API route ${pathname}`);
      if (!o.pages) throw new ApiError('not_found', 'not found');
      applyPageHeaders(req, res, pageHeaders());
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
