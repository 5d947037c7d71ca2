import type { ListingType } from '@/server/core/listing';

export const TYPES: readonly ListingType[] = ['entire', 'private', 'shared'];
export type SortOrder = 'price' | 'newest';

/** Everything the URL holds (CONTRACT.md "Pages"): the view and the filters. */
export interface ViewState {
  lat: number;
  lon: number;
  zoom: number;
  priceMin?: number;
  priceMax?: number;
  types?: ListingType[];
  bedsMin?: number;
  sort: SortOrder;
}

/** New York, where the demo city and the sample data are. */
export const DEFAULT_VIEW: ViewState = { lat: 40.7128, lon: -73.95, zoom: 11, sort: 'newest' };

function int(v: string | null, min: number, max: number): number | undefined {
  if (v === null || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n >= min && n <= max ? n : undefined;
}

function num(v: string | null, min: number, max: number): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
}

/** Reads a view from a query string; anything missing or malformed falls back to the default. */
export function parseView(params: URLSearchParams): ViewState {
  const types = (params.get('type') ?? '')
    .split(',')
    .filter((t): t is ListingType => (TYPES as readonly string[]).includes(t));
  const view: ViewState = {
    lat: num(params.get('lat'), -85, 85) ?? DEFAULT_VIEW.lat,
    lon: num(params.get('lon'), -180, 180) ?? DEFAULT_VIEW.lon,
    zoom: int(params.get('zoom'), 2, 19) ?? DEFAULT_VIEW.zoom,
    sort: params.get('sort') === 'price' ? 'price' : 'newest',
  };
  const priceMin = int(params.get('priceMin'), 0, 1e8);
  const priceMax = int(params.get('priceMax'), 0, 1e8);
  const bedsMin = int(params.get('bedsMin'), 0, 50);
  if (priceMin !== undefined) view.priceMin = priceMin;
  if (priceMax !== undefined) view.priceMax = priceMax;
  if (types.length > 0 && types.length < TYPES.length) view.types = [...new Set(types)];
  if (bedsMin !== undefined) view.bedsMin = bedsMin;
  return view;
}

/** The query string of a view: five decimals (about a metre) keep URLs short. */
export function viewQuery(v: ViewState): string {
  const q = new URLSearchParams();
  q.set('lat', v.lat.toFixed(5));
  q.set('lon', v.lon.toFixed(5));
  q.set('zoom', String(v.zoom));
  if (v.priceMin !== undefined) q.set('priceMin', String(v.priceMin));
  if (v.priceMax !== undefined) q.set('priceMax', String(v.priceMax));
  if (v.types) q.set('type', v.types.join(','));
  if (v.bedsMin !== undefined) q.set('bedsMin', String(v.bedsMin));
  if (v.sort !== 'newest') q.set('sort', v.sort);
  return q.toString();
}

/** The API's filter parameters for a view. */
export function filterQuery(v: ViewState): URLSearchParams {
  const q = new URLSearchParams();
  if (v.priceMin !== undefined) q.set('priceMin', String(v.priceMin));
  if (v.priceMax !== undefined) q.set('priceMax', String(v.priceMax));
  if (v.types) q.set('type', v.types.join(','));
  if (v.bedsMin !== undefined) q.set('bedsMin', String(v.bedsMin));
  return q;
}
