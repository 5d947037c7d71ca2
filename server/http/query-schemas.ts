import { z } from 'zod';
import { ApiError } from './api-error';
import { listingIdSchema } from '../core/listing';
import { API_ZOOM, bboxParam, filterQueryShape, intParam, LIST_SORTS, polygonParam } from '../contract/filters';
import type { ListCursor } from '../engine/search-engine';

export { filtersOf } from '../contract/filters';

export const searchParamsSchema = z.object({
  bbox: bboxParam,
  zoom: intParam(API_ZOOM.min, API_ZOOM.max),
  polygon: polygonParam.optional(),
  ...filterQueryShape,
});

/** `GET /api/price-histogram`: a view and its filters, as `/api/search` takes them, without a zoom. */
export const histogramParamsSchema = z.object({
  bbox: bboxParam,
  polygon: polygonParam.optional(),
  ...filterQueryShape,
});

/** `GET /api/places?q=`: what the renter has typed so far into the place box. */
export const placesParamsSchema = z.object({
  q: z.string().max(100, 'must be at most 100 characters'),
});

export const MAX_PAGE = 100;
export const DEFAULT_PAGE = 20;

/** A point-in-time id is a few hundred bytes; a longer one was not issued here. */
const MAX_PIT_LENGTH = 2_000;

const cursorParam = z.string().transform((text, ctx): ListCursor => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      (parsed.length === 2 || (parsed.length === 3 && typeof parsed[2] === 'string' && parsed[2].length <= MAX_PIT_LENGTH)) &&
      typeof parsed[0] === 'number' &&
      Number.isFinite(parsed[0]) &&
      typeof parsed[1] === 'string'
    ) {
      return { value: parsed[0], id: parsed[1], ...(parsed.length === 3 ? { pit: parsed[2] as string } : {}) };
    }
  } catch {
    // fall through to the issue below
  }
  ctx.addIssue({ code: 'custom', message: 'is not a cursor this API issued' });
  return z.NEVER;
});

export function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify(c.pit ? [c.value, c.id, c.pit] : [c.value, c.id]), 'utf8').toString('base64url');
}

export const listParamsSchema = z.object({
  bbox: bboxParam,
  polygon: polygonParam.optional(),
  sort: z.enum(LIST_SORTS).default('newest'),
  limit: intParam(1, MAX_PAGE).default(DEFAULT_PAGE),
  cursor: cursorParam.optional(),
  ...filterQueryShape,
});


/**
 * The raw last segment of `<prefix>:id` (`/api/listings/`, `/api/saved-searches/`), or
 * null for a path that is not one segment under the prefix.
 */
export function idUnder(pathname: string, prefix: string): string | null {
  if (!pathname.startsWith(prefix)) return null;
  const rest = pathname.slice(prefix.length);
  return rest.includes('/') ? null : rest;
}

/**
 * The id at the end of a path (`/api/listings/:id`, `/api/saved-searches/:id`): percent-
 * decoded and checked, or a 400 naming `id` — never an exception from a malformed escape.
 */
export function pathId(raw: string): string {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    throw new ApiError('bad_request', 'id: is not valid percent-encoding', 'id');
  }
  const r = listingIdSchema.safeParse(id);
  if (!r.success) throw new ApiError('bad_request', `id: ${r.error.issues[0]!.message}`, 'id');
  return r.data;
}

/**
 * Query-string parameters as one value each; a repeated parameter is an error naming it,
 * so `?zoom=3&zoom=4` cannot mean two things.
 */
export function singleParams(url: URL, allowed: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of url.searchParams) {
    if (!allowed.includes(key)) continue;
    if (key in out) throw new ApiError('bad_request', `${key}: given more than once`, key);
    out[key] = value;
  }
  return out;
}
