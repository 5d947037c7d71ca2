import { decodeLat, decodeLon, encodeLat, encodeLon } from '../../core/geotile';
import type { ListingRecord } from '../../core/listing';
import { inBboxEncoded, matchesFilters } from '../../core/area-match';
import { BoxTree } from '../../core/box-tree';
import { pointInRing, ringBbox } from '../../core/polygon';
import type { Ring, SearchDefinition } from '../search-engine';

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
  private readonly tree = new BoxTree<string, SearchDefinition>();

  get size(): number {
    return this.tree.size;
  }

  put(search: SearchDefinition): void {
    this.tree.put(search.id, 'polygon' in search.area ? ringBbox(search.area.polygon) : search.area.bbox, search);
  }

  remove(id: string): void {
    this.tree.remove(id);
  }

  /** The ids of the searches a listing state matches, sorted. */
  match(r: ListingRecord): string[] {
    const latE = encodeLat(r.lat);
    const lonE = encodeLon(r.lon);
    const candidates = new Set<SearchDefinition>();
    this.tree.near(decodeLon(lonE), decodeLat(latE), candidates);
    const ids: string[] = [];
    for (const search of candidates) {
      if (!matchesFilters(r, search.filters)) continue;
      const inside = 'bbox' in search.area ? inBboxEncoded(latE, lonE, search.area.bbox) : inPolygon(latE, lonE, search.area.polygon);
      if (inside) ids.push(search.id);
    }
    return ids.sort();
  }
}
