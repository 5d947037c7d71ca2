import { filterParams } from '@/server/core/filter-params';
import { LISTING_TYPES, type ListingType } from '@/server/core/listing-types';
import type { Filters, Ring } from '@/server/engine/search-engine';
import { parseRingParam, ringParam } from '@/server/core/polygon';
import { keywordsSchema } from '@/server/core/text-match';

export type SortOrder = 'price' | 'newest';

/** Everything the URL holds (CONTRACT.md "Pages"): the view, the filters and the list's order. */
export interface ViewState extends Filters {
  lat: number;
  lon: number;
  zoom: number;
  sort: SortOrder;
  /** A drawn area narrowing the search, closed, [lon, lat]. */
  polygon?: Ring;
}

/** The renter's last view on this device (localStorage), for a visit with no view in the URL. */
export const LAST_VIEW_KEY = 'roost-last-view';
/** The map's whole query string this tab (sessionStorage), for "Back to the map" from a listing. */
export const LAST_MAP_QUERY_KEY = 'roost-map-query';

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
    .filter((t): t is ListingType => (LISTING_TYPES as readonly string[]).includes(t));
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
  if (types.length > 0 && types.length < LISTING_TYPES.length) view.types = [...new Set(types)];
  if (bedsMin !== undefined) view.bedsMin = bedsMin;
  const q = keywordsSchema.safeParse(params.get('q') ?? '');
  if (q.success && q.data !== undefined) view.q = q.data;
  const polygon = params.get('polygon');
  const ring = polygon ? parseRingParam(polygon) : null;
  if (ring && typeof ring !== 'string') view.polygon = ring;
  return view;
}

/** Whether a query string names a view (centre and zoom), rather than leaving it to the page. */
export function hasView(params: URLSearchParams): boolean {
  return params.has('lat') && params.has('lon') && params.has('zoom');
}

/** The query string of a view: five decimals (about a metre) keep URLs short. */
export function viewQuery(v: ViewState): string {
  const q = new URLSearchParams({ lat: v.lat.toFixed(5), lon: v.lon.toFixed(5), zoom: String(v.zoom) });
  for (const [k, value] of filterParams(v)) q.set(k, value);
  if (v.sort !== 'newest') q.set('sort', v.sort);
  if (v.polygon) q.set('polygon', ringParam(v.polygon));
  return q.toString();
}
