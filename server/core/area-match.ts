import type { Bbox, Filters } from '../engine/search-engine';
import { amenityMask, maskOfKeys } from './amenities';
import { encodeEastEdge, encodeLat, encodeLon, encodeWestEdge } from './geotile';
import type { ListingRecord } from './listing';
import { queryWords, textMatches } from './text-match';

/**
 * Inside a bbox exactly as a search decides it: on Lucene-quantized coordinates, edges
 * inclusive, a west edge east of the east edge crossing the antimeridian. Live push and
 * saved-search matching use this so they agree with what a search shows.
 */
export function inBboxEncoded(latE: number, lonE: number, [w, s, e, n]: Bbox): boolean {
  if (latE < encodeLat(s) || latE > encodeLat(n)) return false;
  const west = encodeWestEdge(w);
  const east = encodeEastEdge(e);
  return w <= e ? lonE >= west && lonE <= east : lonE >= west || lonE <= east;
}

export function inBbox(r: { lat: number; lon: number }, bbox: Bbox): boolean {
  return inBboxEncoded(encodeLat(r.lat), encodeLon(r.lon), bbox);
}

/** The search filters on one listing; unknown bedrooms fail any bedsMin, as in search. */
export function matchesFilters(r: ListingRecord, f: Filters): boolean {
  if (f.priceMin !== undefined && r.price < f.priceMin) return false;
  if (f.priceMax !== undefined && r.price > f.priceMax) return false;
  if (f.types && !f.types.includes(r.type)) return false;
  if (f.bedsMin !== undefined && (r.bedrooms === null || r.bedrooms < f.bedsMin)) return false;
  if (!matchesExtras(r, f)) return false;
  if (f.q !== undefined && !textMatches(r, queryWords(f.q))) return false;
  return true;
}

/** Bathrooms, guests and amenities (core/amenities): a listing without the field fails a filter on it. */
export function matchesExtras(r: ListingRecord, f: Filters): boolean {
  if (f.bathsMin !== undefined && (r.bathrooms === undefined || r.bathrooms < f.bathsMin)) return false;
  if (f.guestsMin !== undefined && (r.guests === undefined || r.guests < f.guestsMin)) return false;
  if (f.amenities && f.amenities.length > 0) {
    const want = maskOfKeys(f.amenities);
    if ((amenityMask(r.amenities) & want) !== want) return false;
  }
  return true;
}
