import { z } from 'zod';
import { ApiError } from './api-error';
import { LISTING_TYPES, listingIdSchema } from '../core/listing';
import { MAX_ZOOM } from '../core/levels';
import { parseRingParam } from '../core/polygon';
import { keywordsSchema } from '../core/text-match';
import type { Bbox, Filters, ListCursor } from '../engine/search-engine';

const INT32_MAX = 2 ** 31 - 1;

/** A query-string integer: digits only, so "1e3", "12abc" and "" are refused by name. */
const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const bboxParam = z
  .string()
  .transform((text, ctx) => {
    const parts = text.split(',');
    const nums = parts.map((p) => (/^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(p) ? Number(p) : NaN));
    if (parts.length !== 4 || nums.some((n) => !Number.isFinite(n))) {
      ctx.addIssue({ code: 'custom', message: 'must be four numbers: west,south,east,north' });
      return z.NEVER;
    }
    const [west, south, east, north] = nums as Bbox;
    if (west < -180 || west > 180 || east < -180 || east > 180) {
      ctx.addIssue({ code: 'custom', message: 'longitudes must be within -180..180' });
      return z.NEVER;
    }
    if (south < -90 || south > 90 || north < -90 || north > 90) {
      ctx.addIssue({ code: 'custom', message: 'latitudes must be within -90..90' });
      return z.NEVER;
    }
    if (south > north) {
      ctx.addIssue({ code: 'custom', message: 'south must not be above north' });
      return z.NEVER;
    }
    return [west, south, east, north] as Bbox;
  });

const typeParam = z.string().transform((text, ctx) => {
  const types = [...new Set(text.split(','))];
  for (const t of types) {
    if (!(LISTING_TYPES as readonly string[]).includes(t)) {
      ctx.addIssue({ code: 'custom', message: `unknown type "${t.slice(0, 40)}"; use ${LISTING_TYPES.join(', ')}` });
      return z.NEVER;
    }
  }
  return types as (typeof LISTING_TYPES)[number][];
});

/** A drawn area as `lon,lat,lon,lat,…` (at least three corners; closed for you). */
const polygonParam = z.string().transform((text, ctx) => {
  const ring = parseRingParam(text);
  if (typeof ring === 'string') {
    ctx.addIssue({ code: 'custom', message: ring });
    return z.NEVER;
  }
  return ring;
});

const filterShape = {
  priceMin: intParam(0, INT32_MAX).optional(),
  priceMax: intParam(0, INT32_MAX).optional(),
  type: typeParam.optional(),
  bedsMin: intParam(0, 50).optional(),
  q: keywordsSchema.optional(),
};

export const searchParamsSchema = z.object({
  bbox: bboxParam,
  zoom: intParam(0, MAX_ZOOM),
  polygon: polygonParam.optional(),
  ...filterShape,
});

/** `GET /api/price-histogram`: a view and its filters, as `/api/search` takes them, without a zoom. */
export const histogramParamsSchema = z.object({
  bbox: bboxParam,
  polygon: polygonParam.optional(),
  ...filterShape,
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
  sort: z.enum(['price', 'newest']).default('newest'),
  limit: intParam(1, MAX_PAGE).default(DEFAULT_PAGE),
  cursor: cursorParam.optional(),
  ...filterShape,
});

export function filtersOf(p: { priceMin?: number; priceMax?: number; type?: Filters['types']; bedsMin?: number; q?: string | undefined }): Filters {
  const f: Filters = {};
  if (p.priceMin !== undefined) f.priceMin = p.priceMin;
  if (p.priceMax !== undefined) f.priceMax = p.priceMax;
  if (p.type !== undefined) f.types = p.type;
  if (p.bedsMin !== undefined) f.bedsMin = p.bedsMin;
  if (p.q !== undefined) f.q = p.q;
  return f;
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
