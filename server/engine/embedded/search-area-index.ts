import RBush from 'rbush';
import { decodeLat, decodeLon, encodeLat, encodeLon } from '../../core/geotile';
import type { ListingRecord } from '../../core/listing';
import { inBboxEncoded, matchesFilters } from '../../core/area-match';
import { pointInRing, ringBbox } from '../../core/polygon';
import type { Ring, SearchDefinition } from '../search-engine';

interface Entry {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  search: SearchDefinition;
}

/** The boxes an area covers in an R-tree: two when a bbox crosses the antimeridian. */
function boxesOf(def: SearchDefinition): [number, number, number, number][] {
  if ('polygon' in def.area) return [ringBbox(def.area.polygon)];
  const [w, s, e, n] = def.area.bbox;
  return w <= e ? [[w, s, e, n]] : [[w, s, 180, n], [-180, s, e, n]];
}

function inPolygon(latE: number, lonE: number, ring: Ring): boolean {
  // Lucene tests the quantized point against the polygon as given; so does this.
  return pointInRing(decodeLon(lonE), decodeLat(latE), ring);
}

/**
 * Saved searches by area, for matching each change against them: an R-tree narrows a
 * listing to the searches whose area's box holds it, then the exact area and filter
 * tests decide. A change costs O(log n + candidates), not a loop over every search.
 */
export class SearchAreaIndex {
  private readonly tree = new RBush<Entry>();
  private readonly entries = new Map<string, Entry[]>();

  get size(): number {
    return this.entries.size;
  }

  put(search: SearchDefinition): void {
    this.remove(search.id);
    const entries = boxesOf(search).map(([minX, minY, maxX, maxY]) => ({ minX, minY, maxX, maxY, search }));
    for (const e of entries) this.tree.insert(e);
    this.entries.set(search.id, entries);
  }

  remove(id: string): void {
    for (const e of this.entries.get(id) ?? []) this.tree.remove(e);
    this.entries.delete(id);
  }

  /** The ids of the searches a listing state matches, sorted. */
  match(r: ListingRecord): string[] {
    const latE = encodeLat(r.lat);
    const lonE = encodeLon(r.lon);
    const lat = decodeLat(latE);
    const lon = decodeLon(lonE);
    // A hair of margin: the boxes are raw degrees, the tests below are exact.
    const eps = 1e-7;
    const ids = new Set<string>();
    for (const { search } of this.tree.search({ minX: lon - eps, minY: lat - eps, maxX: lon + eps, maxY: lat + eps })) {
      if (ids.has(search.id) || !matchesFilters(r, search.filters)) continue;
      const inside = 'bbox' in search.area ? inBboxEncoded(latE, lonE, search.area.bbox) : inPolygon(latE, lonE, search.area.polygon);
      if (inside) ids.add(search.id);
    }
    return [...ids].sort();
  }
}
