import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';

export interface Area {
  district: string;
  neighbourhood: string;
}

type AreaFeature = Feature<Polygon | MultiPolygon, Record<string, unknown>>;

/** Property names read for the district and the neighbourhood, first match wins. */
const DISTRICT_KEYS = ['neighbourhood_group', 'district', 'borough'];
const NEIGHBOURHOOD_KEYS = ['neighbourhood', 'name'];

function firstString(props: Record<string, unknown>, keys: string[]): string {
  for (const k of keys) {
    const v = props[k];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return '';
}

/**
 * Assigns district and neighbourhood to a point by the polygon that contains it: a
 * bbox index narrows the candidates, turf decides containment.
 */
export class BoundaryIndex {
  private readonly features: AreaFeature[];
  private readonly index: Flatbush | null;

  constructor(collection: FeatureCollection) {
    this.features = collection.features.filter(
      (f): f is AreaFeature => f.geometry?.type === 'Polygon' || f.geometry?.type === 'MultiPolygon',
    );
    if (this.features.length === 0) {
      this.index = null;
      return;
    }
    this.index = new Flatbush(this.features.length);
    for (const f of this.features) {
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      const rings: Position[][] = f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat();
      for (const ring of rings) {
        for (const [x, y] of ring) {
          minX = Math.min(minX, x!);
          minY = Math.min(minY, y!);
          maxX = Math.max(maxX, x!);
          maxY = Math.max(maxY, y!);
        }
      }
      this.index.add(minX, minY, maxX, maxY);
    }
    this.index.finish();
  }

  /** Parses a GeoJSON text; throws with a plain message when it is not a FeatureCollection. */
  static parse(text: string): BoundaryIndex {
    const json: unknown = JSON.parse(text);
    if (
      typeof json !== 'object' ||
      json === null ||
      (json as { type?: unknown }).type !== 'FeatureCollection' ||
      !Array.isArray((json as { features?: unknown }).features)
    ) {
      throw new Error('boundaries must be a GeoJSON FeatureCollection');
    }
    return new BoundaryIndex(json as FeatureCollection);
  }

  get size(): number {
    return this.features.length;
  }

  areaAt(lat: number, lon: number): Area | null {
    if (!this.index) return null;
    for (const i of this.index.search(lon, lat, lon, lat)) {
      const f = this.features[i]!;
      if (booleanPointInPolygon([lon, lat], f)) {
        return {
          district: firstString(f.properties ?? {}, DISTRICT_KEYS),
          neighbourhood: firstString(f.properties ?? {}, NEIGHBOURHOOD_KEYS),
        };
      }
    }
    return null;
  }
}
