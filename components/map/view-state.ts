import type { z } from 'zod';
import { API_ZOOM, decimalParam, filterQueryShape, filtersOf, intParam, LIST_SORTS, MAP_ZOOM, polygonParam } from '@/server/contract/filters';
import { filterParams } from '@/server/core/filter-params';
import { LISTING_TYPES } from '@/server/core/listing-types';
import type { Filters, ListSort, Ring } from '@/server/engine/search-engine';
import { ringParam } from '@/server/core/polygon';

export type SortOrder = ListSort;

/** The list's orders, as `/api/listings` takes them; an unknown one in a URL is the default. */
export const SORT_ORDERS: readonly SortOrder[] = LIST_SORTS;

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

/** One field of the URL through the contract's parser: a malformed value is as if absent. */
function field<T>(schema: z.ZodType<T>, v: string | null): T | undefined {
  if (v === null) return undefined;
  const r = schema.safeParse(v);
  return r.success ? r.data : undefined;
}

/**
 * Reads a view from a query string with the API's own parsers (server/contract), so the
 * page keeps exactly what `/api/search` would take; anything missing or malformed falls
 * back to the default, and a zoom beyond the map's range is brought into it.
 */
export function parseView(params: URLSearchParams): ViewState {
  const zoom = field(intParam(API_ZOOM.min, API_ZOOM.max), params.get('zoom'));
  const view: ViewState = {
    lat: field(decimalParam(-85, 85), params.get('lat')) ?? DEFAULT_VIEW.lat,
    lon: field(decimalParam(-180, 180), params.get('lon')) ?? DEFAULT_VIEW.lon,
    zoom: zoom === undefined ? DEFAULT_VIEW.zoom : Math.min(MAP_ZOOM.max, Math.max(MAP_ZOOM.min, zoom)),
    sort: SORT_ORDERS.find((o) => o === params.get('sort')) ?? 'newest',
  };
  const f = filtersOf({
    priceMin: field(filterQueryShape.priceMin, params.get('priceMin')),
    priceMax: field(filterQueryShape.priceMax, params.get('priceMax')),
    type: field(filterQueryShape.type, params.get('type')),
    bedsMin: field(filterQueryShape.bedsMin, params.get('bedsMin')),
    bathsMin: field(filterQueryShape.bathsMin, params.get('bathsMin')),
    guestsMin: field(filterQueryShape.guestsMin, params.get('guestsMin')),
    amenities: field(filterQueryShape.amenities, params.get('amenities')),
    q: field(filterQueryShape.q, params.get('q')),
  });
  // Every type chosen is no type filter: the chips show none pressed.
  if (f.types && f.types.length === LISTING_TYPES.length) delete f.types;
  const polygon = field(polygonParam, params.get('polygon'));
  return { ...view, ...f, ...(polygon ? { polygon } : {}) };
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
