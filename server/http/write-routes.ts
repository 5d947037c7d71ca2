import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { ListingPatch } from '../changes/change-event';
import { listingOf, type ListingRecord } from '../core/listing';
import { DEFAULT_CURRENCY, DEFAULT_PRICE_PER } from '../core/money';
import type { SearchEngine } from '../engine/search-engine';
import type { BoundaryIndex } from '../import/boundaries';
import { ApiError, sendJson, validated } from './api-error';
import { createListingSchema, patchListingSchema } from './listing-schemas';
import { idUnder, pathId } from './query-schemas';
import { readJson } from './read-body';

/** Who is writing: the operator's token, or a signed-in host on their own listings. */
export type Writer = { kind: 'admin' } | { kind: 'host'; accountId: string };

export interface WriteContext {
  engine: SearchEngine;
  adminToken: string | undefined;
  /**
   * The writer of a request that carries no Authorization header: a signed-in host (the
   * session cookie, from our own pages), or null. For a listing (`id`), only its host.
   */
  sessionWriter?(req: IncomingMessage, id: string | null): Promise<Writer | null>;
  /** A host's new listing is theirs: linked before it is written, so it is never hostless. */
  linkHost?(listingId: string, accountId: string): Promise<void>;
  /** Spends one of a host's new listings (RATE_HOST_LISTINGS_PER_DAY), or throws the 429. */
  spendNewListing?(accountId: string, res: ServerResponse): Promise<void>;
  /** The store's boundaries, to place a listing written without its areas. */
  boundaries(): Promise<BoundaryIndex | null>;
  /**
   * Resolves when this node's live frames are not too far behind (LiveHub.sent): writers
   * slow down when fan-out falls behind, rather than a queue of frames growing without end.
   */
  pushed(): Promise<void>;
}

function digest(s: string): Buffer {
  return crypto.createHash('sha256').update(s).digest();
}

/**
 * `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time, writes any listing;
 * without the header, a signed-in host writes their own (WriteContext.sessionWriter).
 */
export async function authorize(ctx: WriteContext, req: IncomingMessage, id: string | null): Promise<Writer> {
  if (req.headers.authorization === undefined && ctx.sessionWriter) {
    const writer = await ctx.sessionWriter(req, id);
    if (writer) return writer;
  }
  authorizeAdmin(ctx, req);
  return { kind: 'admin' };
}

function authorizeAdmin(ctx: WriteContext, req: IncomingMessage): void {
  if (!ctx.adminToken) throw new ApiError('unauthorized', 'writes are disabled: ADMIN_TOKEN is not set on the server; sign in to list your own homes');
  const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (!m || !crypto.timingSafeEqual(digest(m[1]!.trim()), digest(ctx.adminToken))) {
    throw new ApiError('unauthorized', 'a valid Authorization: Bearer token is required for writes');
  }
}

/** A new listing's id when the writer gives none: short, URL-safe, unguessable enough. */
function newId(): string {
  return `l-${crypto.randomBytes(9).toString('base64url')}`;
}

async function placed(ctx: WriteContext, lat: number, lon: number, district?: string, neighbourhood?: string) {
  if (district !== undefined && neighbourhood !== undefined) return { district, neighbourhood };
  const area = (await ctx.boundaries())?.areaAt(lat, lon);
  return { district: district ?? area?.district ?? '', neighbourhood: neighbourhood ?? area?.neighbourhood ?? '' };
}

/**
 * A host does not name the areas: they label the map's bubbles for every visitor, so a
 * host's words there would be an advert on everyone's map. The boundaries place a host's
 * home (`placed`), and place it again when it moves.
 */
function refuseHostAreas(writer: Writer, body: { district?: string | undefined; neighbourhood?: string | undefined }): void {
  if (writer.kind !== 'host') return;
  for (const field of ['district', 'neighbourhood'] as const) {
    if (body[field] !== undefined) throw new ApiError('bad_request', `${field}: a host's home is placed in its ${field} by the map's boundaries`, field);
  }
}

async function create(ctx: WriteContext, req: IncomingMessage, res: ServerResponse, writer: Writer): Promise<void> {
  const body = validated(createListingSchema, await readJson(req));
  // A host cannot name an id: naming another's would replace their home.
  if (writer.kind === 'host' && body.id !== undefined) throw new ApiError('bad_request', 'id: a host\'s new listing gets its id from the server', 'id');
  refuseHostAreas(writer, body);
  if (writer.kind === 'host') await ctx.spendNewListing?.(writer.accountId, res);
  const now = Date.now();
  const listedAt = body.listedAt ? Date.parse(body.listedAt) : now;
  const record: ListingRecord = {
    id: body.id ?? newId(),
    title: body.title,
    lat: body.lat,
    lon: body.lon,
    price: body.price,
    currency: body.currency ?? DEFAULT_CURRENCY,
    pricePer: body.pricePer ?? DEFAULT_PRICE_PER,
    type: body.type,
    ...(await placed(ctx, body.lat, body.lon, body.district, body.neighbourhood)),
    bedrooms: body.bedrooms ?? null,
    ...(body.bathrooms !== undefined ? { bathrooms: body.bathrooms } : {}),
    ...(body.guests !== undefined ? { guests: body.guests } : {}),
    ...(body.amenities && body.amenities.length > 0 ? { amenities: body.amenities } : {}),
    ...(body.description ? { description: body.description } : {}),
    ...(body.photos && body.photos.length > 0 ? { photos: body.photos } : {}),
    listedAt,
    updatedAt: listedAt,
  };
  if (writer.kind === 'host') await ctx.linkHost?.(record.id, writer.accountId);
  const out = await ctx.engine.write({ op: 'put', record });
  await ctx.pushed();
  // A repeated POST of the same id replaces it: 200, as an update; a new one is 201.
  sendJson(res, out.existed ? 200 : 201, listingOf(out.listing!));
}

async function patch(ctx: WriteContext, req: IncomingMessage, res: ServerResponse, id: string, writer: Writer): Promise<void> {
  const body = validated(patchListingSchema, await readJson(req));
  refuseHostAreas(writer, body);
  const p: ListingPatch = {};
  for (const k of ['title', 'lat', 'lon', 'price', 'currency', 'pricePer', 'type', 'district', 'neighbourhood', 'description', 'photos', 'amenities'] as const) {
    if (body[k] !== undefined) (p as Record<string, unknown>)[k] = body[k];
  }
  if (writer.kind === 'host' && (body.lat !== undefined || body.lon !== undefined)) {
    const now = await ctx.engine.get(id);
    if (now) Object.assign(p, await placed(ctx, body.lat ?? now.lat, body.lon ?? now.lon));
  }
  if (body.bedrooms !== undefined) p.bedrooms = body.bedrooms;
  if (body.bathrooms !== undefined) p.bathrooms = body.bathrooms ?? undefined;
  if (body.guests !== undefined) p.guests = body.guests ?? undefined;
  if (body.listedAt !== undefined) p.listedAt = Date.parse(body.listedAt);
  const out = await ctx.engine.write({ op: 'patch', id, patch: p });
  await ctx.pushed();
  if (!out.existed) throw new ApiError('not_found', `no listing with id ${id}`, 'id');
  sendJson(res, 200, listingOf(out.listing!));
}

async function remove(ctx: WriteContext, res: ServerResponse, id: string): Promise<void> {
  const out = await ctx.engine.write({ op: 'remove', id });
  await ctx.pushed();
  if (!out.existed) throw new ApiError('not_found', `no listing with id ${id}`, 'id');
  res.writeHead(204, { 'cache-control': 'no-store' });
  res.end();
}

/**
 * The write API (CONTRACT.md): POST /api/listings, PATCH and DELETE /api/listings/:id.
 * Returns false for requests it does not own (reads go to the read routes).
 */
export async function handleWrite(ctx: WriteContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return false;
  const { pathname } = url;
  if (pathname === '/api/listings' && method === 'POST') {
    await create(ctx, req, res, await authorize(ctx, req, null));
    return true;
  }
  const raw = idUnder(pathname, '/api/listings/');
  if (raw !== null && (method === 'PATCH' || method === 'DELETE')) {
    const id = pathId(raw);
    const writer = await authorize(ctx, req, id);
    if (method === 'PATCH') await patch(ctx, req, res, id, writer);
    else await remove(ctx, res, id);
    return true;
  }
  return false;
}
