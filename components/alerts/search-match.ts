import type { Listing } from '@/server/core/listing';
import { inBbox, matchesFilters } from '@/server/core/area-match';
import { pointInRing } from '@/server/core/polygon';
import type { SavedSearchJson } from './alerts-api';
import { filtersOf } from '@/server/contract/filters';

/**
 * Whether a home lies in a saved search's area and passes its filters, by the server's own
 * rules (server/core): an alert names one search, and the toast names every search of the
 * renter's the home belongs to.
 */
export function matchesSavedSearch(s: SavedSearchJson, l: Listing): boolean {
  const inArea = s.polygon ? pointInRing(l.lon, l.lat, s.polygon) : s.bbox ? inBbox(l, s.bbox) : false;
  if (!inArea) return false;
  const f = s.filters;
  return matchesFilters(
    { ...l, bedrooms: l.bedrooms ?? null, listedAt: 0, updatedAt: 0 },
    filtersOf(f),
  );
}
