/**
 * The one contract of what a view and its filters are, imported by the server (API, live
 * socket, saved searches) and by the page (its URL): one set of limits and one parser per
 * form, so the browser never keeps a value the API would refuse, or drops one it takes.
 *
 * Two forms: query strings (`/api/search`, `/api/listings`, the map's URL), where every
 * value is text and `type` is comma-separated; and JSON (the `watch` frame, saved
 * searches), where numbers are numbers and `type` may be an array. Both name the types
 * filter `type` (CONTRACT.md); `types` is taken in JSON for older clients.
 */
import { z } from 'zod';
import { AMENITY_KEYS, type AmenityKey } from '../core/amenities';
import { LISTING_TYPES, type ListingType } from '../core/listing-types';
import { parseRingParam } from '../core/polygon';
import { keywordsSchema } from '../core/text-match';
import type { Bbox, Filters, ListSort } from '../engine/search-engine';

/**
 * The list's orders (`/api/listings?sort=`, the map's URL): newest first (the default),
 * price low to high, price high to low, biggest price cut first (core/price-cut).
 */
export const LIST_SORTS = ['newest', 'price', 'price_desc', 'price_cut'] as const satisfies readonly ListSort[];

/** Price filters are 32-bit integers on both engines; listings' own prices stop at 1e8. */
export const PRICE_FILTER_MAX = 2 ** 31 - 1;
export const BEDS_FILTER_MAX = 50;
/** As the listings' own limits (core/listing MAX_BATHROOMS, MAX_GUESTS). */
export const BATHS_FILTER_MAX = 50;
export const GUESTS_FILTER_MAX = 100;
/** Zooms the API takes; the map itself shows 3–19 (MAP_ZOOM), and clamps a URL's zoom to them. */
export const API_ZOOM = { min: 0, max: 22 } as const;
export const MAP_ZOOM = { min: 3, max: 19 } as const;

/** A query-string integer: digits only, so "1e3", "12abc" and "" are refused by name. */
export const intParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, 'must be an integer')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A query-string decimal (a map centre): plain notation only. */
export const decimalParam = (min: number, max: number) =>
  z
    .string()
    .regex(/^\s*-?(\d+\.?\d*|\.\d+)\s*$/, 'must be a number')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

function checkBbox([west, south, east, north]: number[], ctx: z.RefinementCtx): Bbox | typeof z.NEVER {
  if ([west, east].some((x) => x! < -180 || x! > 180)) {
    ctx.addIssue({ code: 'custom', message: 'longitudes must be within -180..180' });
    return z.NEVER;
  }
  if ([south, north].some((y) => y! < -90 || y! > 90)) {
    ctx.addIssue({ code: 'custom', message: 'latitudes must be within -90..90' });
    return z.NEVER;
  }
  if (south! > north!) {
    ctx.addIssue({ code: 'custom', message: 'south must not be above north' });
    return z.NEVER;
  }
  return [west!, south!, east!, north!];
}

/** `bbox=W,S,E,N` in a query string; west > east crosses the antimeridian. */
export const bboxParam = z.string().transform((text, ctx) => {
  const parts = text.split(',');
  const nums = parts.map((p) => (/^\s*-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(p) ? Number(p) : NaN));
  if (parts.length !== 4 || nums.some((n) => !Number.isFinite(n))) {
    ctx.addIssue({ code: 'custom', message: 'must be four numbers: west,south,east,north' });
    return z.NEVER;
  }
  return checkBbox(nums, ctx);
});

/** `[W, S, E, N]` in JSON. */
export const bboxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()]).transform((b, ctx) => checkBbox(b, ctx));

function checkTypes(types: string[], ctx: z.RefinementCtx): ListingType[] | typeof z.NEVER {
  for (const t of types) {
    if (!(LISTING_TYPES as readonly string[]).includes(t)) {
      ctx.addIssue({ code: 'custom', message: `unknown type "${t.slice(0, 40)}"; use ${LISTING_TYPES.join(', ')}` });
      return z.NEVER;
    }
  }
  return [...new Set(types)] as ListingType[];
}

/** `type=entire,private` in a query string. */
export const typeParam = z.string().transform((text, ctx) => checkTypes(text.split(','), ctx));

/** A drawn area as `lon,lat,lon,lat,…` (at least three corners; closed for you). */
export const polygonParam = z.string().transform((text, ctx) => {
  const ring = parseRingParam(text);
  if (typeof ring === 'string') {
    ctx.addIssue({ code: 'custom', message: ring });
    return z.NEVER;
  }
  return ring;
});

/** A query-string count in half steps (bathrooms): `1`, `1.5`, `2.0`; not `1.25`, `1e1`. */
export const halfStepParam = (max: number) =>
  z
    .string()
    .regex(/^\d+(\.[05]0*)?$/, 'must be a number in half steps, like 1 or 1.5')
    .transform(Number)
    .pipe(z.number().min(0).max(max));

function checkAmenities(keys: string[], ctx: z.RefinementCtx): AmenityKey[] | typeof z.NEVER {
  for (const k of keys) {
    if (!(AMENITY_KEYS as readonly string[]).includes(k)) {
      ctx.addIssue({ code: 'custom', message: `unknown amenity "${k.slice(0, 40)}"; use ${AMENITY_KEYS.join(', ')}` });
      return z.NEVER;
    }
  }
  // The vocabulary's order, each once: one set of amenities is one URL.
  return AMENITY_KEYS.filter((k) => keys.includes(k));
}

/** `amenities=wifi,kitchen` in a query string: a home must have every one. */
export const amenitiesParam = z.string().transform((text, ctx) => checkAmenities(text.split(','), ctx));

/** The filters of a query string, by their names in CONTRACT.md. */
export const filterQueryShape = {
  priceMin: intParam(0, PRICE_FILTER_MAX).optional(),
  priceMax: intParam(0, PRICE_FILTER_MAX).optional(),
  type: typeParam.optional(),
  bedsMin: intParam(0, BEDS_FILTER_MAX).optional(),
  bathsMin: halfStepParam(BATHS_FILTER_MAX).optional(),
  guestsMin: intParam(0, GUESTS_FILTER_MAX).optional(),
  amenities: amenitiesParam.optional(),
  q: keywordsSchema.optional(),
};

/** The filter fields of either form once parsed, by their wire names. */
interface ParsedFilters {
  priceMin?: number | undefined;
  priceMax?: number | undefined;
  type?: ListingType[] | undefined;
  bedsMin?: number | undefined;
  bathsMin?: number | undefined;
  guestsMin?: number | undefined;
  amenities?: AmenityKey[] | undefined;
  q?: string | undefined;
}

/** A query string's parsed filter fields as the engines take them (`type` → `types`). */
export function filtersOf(p: ParsedFilters): Filters {
  const f: Filters = {};
  if (p.priceMin !== undefined) f.priceMin = p.priceMin;
  if (p.priceMax !== undefined) f.priceMax = p.priceMax;
  if (p.type !== undefined) f.types = p.type;
  if (p.bedsMin !== undefined) f.bedsMin = p.bedsMin;
  if (p.bathsMin !== undefined) f.bathsMin = p.bathsMin;
  if (p.guestsMin !== undefined) f.guestsMin = p.guestsMin;
  // No amenity asked for is no filter.
  if (p.amenities !== undefined && p.amenities.length > 0) f.amenities = p.amenities;
  if (p.q !== undefined) f.q = p.q;
  return f;
}

const amenitiesJson = z
  .union([z.array(z.string()).max(AMENITY_KEYS.length * 2), z.string()])
  .transform((v, ctx) => checkAmenities(typeof v === 'string' ? (v === '' ? [] : v.split(',')) : v, ctx));

const typesJson = z.union([z.array(z.string()).min(1).max(LISTING_TYPES.length), z.string()]).transform((v, ctx) => checkTypes(typeof v === 'string' ? v.split(',') : v, ctx));

/** Filters in JSON (the `watch` frame, saved searches), the same limits as the query form. */
export const filtersSchema = z
  .object({
    priceMin: z.number().int().min(0).max(PRICE_FILTER_MAX).optional(),
    priceMax: z.number().int().min(0).max(PRICE_FILTER_MAX).optional(),
    type: typesJson.optional(),
    types: typesJson.optional(),
    bedsMin: z.number().int().min(0).max(BEDS_FILTER_MAX).optional(),
    bathsMin: z.number().min(0).max(BATHS_FILTER_MAX).multipleOf(0.5).optional(),
    guestsMin: z.number().int().min(0).max(GUESTS_FILTER_MAX).optional(),
    amenities: amenitiesJson.optional(),
    q: keywordsSchema.optional(),
  })
  .strict()
  .transform(({ type, types, ...rest }): Filters => filtersOf({ ...rest, type: type ?? types }));

/** Filters as JSON carries them (the `watch` frame, saved searches): the wire names, unset fields left out. */
export interface FiltersJson {
  priceMin?: number;
  priceMax?: number;
  type?: ListingType[];
  bedsMin?: number;
  bathsMin?: number;
  guestsMin?: number;
  amenities?: AmenityKey[];
  q?: string;
}

/** The engines' filters in their JSON form (filtersOf reads it back). */
export function filtersJson(f: Filters): FiltersJson {
  const out: FiltersJson = {};
  if (f.priceMin !== undefined) out.priceMin = f.priceMin;
  if (f.priceMax !== undefined) out.priceMax = f.priceMax;
  if (f.types !== undefined) out.type = f.types;
  if (f.bedsMin !== undefined) out.bedsMin = f.bedsMin;
  if (f.bathsMin !== undefined) out.bathsMin = f.bathsMin;
  if (f.guestsMin !== undefined) out.guestsMin = f.guestsMin;
  if (f.amenities !== undefined && f.amenities.length > 0) out.amenities = f.amenities;
  if (f.q !== undefined) out.q = f.q;
  return out;
}
