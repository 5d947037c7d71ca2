import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { HostJson } from '../contract/host-listings';
import type { SearchEngine } from '../engine/search-engine';
import type { MarketOverviews } from '../search/market-overview';
import type { PlaceDirectory } from '../search/place-directory';
import { ApiError, sendJson, validated } from './api-error';
import {
  encodeCursor,
  filtersOf,
  histogramParamsSchema,
  listParamsSchema,
  idUnder,
  pathId,
  placesParamsSchema,
  searchParamsSchema,
  singleParams,
} from './query-schemas';

export interface ApiContext {
  engine: SearchEngine;
  places: PlaceDirectory;
  overview: MarketOverviews;
  /** Told how long each search took, by level (for /metrics). */
  onSearch?(level: string, seconds: number): void;
  /** A listing's host, shown with it (hosting-module.ts); absent: listings name none. */
  hostOf?(listingId: string): Promise<HostJson | null>;
}

/** The query's parameters checked against a schema of them (each given once). */
function parse<S extends z.ZodObject>(schema: S, url: URL): z.output<S> {
  return validated(schema, singleParams(url, Object.keys(schema.shape)));
}

async function search(ctx: ApiContext, url: URL) {
  const p = parse(searchParamsSchema, url);
  const started = performance.now();
  const result = await ctx.engine.search({ bbox: p.bbox, zoom: p.zoom, filters: filtersOf(p), ...(p.polygon ? { polygon: p.polygon } : {}) });
  ctx.onSearch?.(result.level, (performance.now() - started) / 1000);
  return result;
}

async function list(ctx: ApiContext, url: URL) {
  const p = parse(listParamsSchema, url);
  const page = await ctx.engine.list({
    bbox: p.bbox,
    filters: filtersOf(p),
    ...(p.polygon ? { polygon: p.polygon } : {}),
    sort: p.sort,
    limit: p.limit,
    ...(p.cursor ? { after: p.cursor } : {}),
  });
  return { total: page.total, listings: page.listings, nextCursor: page.nextCursor ? encodeCursor(page.nextCursor) : null };
}

/** The price picture of a view: the market's bands, counted over the view's homes. */
async function priceHistogram(ctx: ApiContext, url: URL) {
  const p = parse(histogramParamsSchema, url);
  const { priceBands, currency, pricePer } = await ctx.overview.get();
  const counts =
    priceBands.length === 0
      ? []
      : await ctx.engine.priceHistogram({ bbox: p.bbox, filters: filtersOf(p), ...(p.polygon ? { polygon: p.polygon } : {}), edges: priceBands });
  return { edges: priceBands, counts, currency, pricePer };
}

async function getListing(ctx: ApiContext, rawId: string) {
  const id = pathId(rawId);
  const listing = await ctx.engine.get(id);
  if (!listing) throw new ApiError('not_found', `no listing with id ${id}`, 'id');
  const host = await ctx.hostOf?.(id);
  return host ? { ...listing, host } : listing;
}

/**
 * Answers `/api/*` requests; returns false for paths it does not own. Thin on purpose:
 * parse and validate, call the engine, shape the answer.
 */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const { pathname } = url;
  if (!pathname.startsWith('/api/')) return false;
  const method = req.method ?? 'GET';
  const readOnly = (run: () => Promise<unknown>) => {
    if (method !== 'GET' && method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      throw new ApiError('method_not_allowed', `${method} is not allowed here`);
    }
    return run();
  };
  const listingId = idUnder(pathname, '/api/listings/');
  if (pathname === '/api/search') {
    sendJson(res, 200, await readOnly(() => search(ctx, url)));
  } else if (pathname === '/api/listings') {
    sendJson(res, 200, await readOnly(() => list(ctx, url)));
  } else if (listingId !== null) {
    sendJson(res, 200, await readOnly(() => getListing(ctx, listingId)));
  } else if (pathname === '/api/places') {
    const { q } = parse(placesParamsSchema, url);
    sendJson(res, 200, { places: await readOnly(() => ctx.places.find(q)) });
  } else if (pathname === '/api/price-histogram') {
    sendJson(res, 200, await readOnly(() => priceHistogram(ctx, url)));
  } else if (pathname === '/api/overview') {
    sendJson(res, 200, await readOnly(() => ctx.overview.get()));
  } else if (pathname === '/api/boundaries') {
    const geojson = (await readOnly(() => ctx.engine.boundaries())) as string | null;
    if (!geojson) throw new ApiError('not_found', 'the store holds no boundaries; import some with --boundaries');
    res.writeHead(200, { 'content-type': 'application/geo+json', 'cache-control': 'public, max-age=300' });
    res.end(geojson);
  } else {
    return false;
  }
  return true;
}
