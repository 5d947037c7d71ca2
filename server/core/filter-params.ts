import type { Filters } from '../engine/search-engine';

/**
 * The search API's filter parameters (CONTRACT.md) for a set of filters; the map's URL
 * uses the same names, so both come from here.
 */
export function filterParams(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.priceMin !== undefined) q.set('priceMin', String(f.priceMin));
  if (f.priceMax !== undefined) q.set('priceMax', String(f.priceMax));
  if (f.types) q.set('type', f.types.join(','));
  if (f.bedsMin !== undefined) q.set('bedsMin', String(f.bedsMin));
  if (f.bathsMin !== undefined) q.set('bathsMin', String(f.bathsMin));
  if (f.guestsMin !== undefined) q.set('guestsMin', String(f.guestsMin));
  if (f.amenities && f.amenities.length > 0) q.set('amenities', f.amenities.join(','));
  if (f.q) q.set('q', f.q);
  return q;
}

/** The filters without the price range: what a price picture counts, so it shows where the range could go. */
export function withoutPrice({ priceMin: _min, priceMax: _max, ...rest }: Filters): Filters {
  return rest;
}
