import { mercatorX, mercatorY } from '../server/core/geotile';
import { filterParams } from '../server/core/filter-params';
import { requestBbox } from '../server/core/request-bbox';
import { ringParam } from '../server/core/polygon';
import type { Bbox, Filters, Ring } from '../server/engine/search-engine';
import { seededRandom } from '../server/core/seeded-random';

/** A laptop screen: what one map view covers. */
const SCREEN = { width: 1280, height: 800 };

function unMercatorY(y: number): number {
  return (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
}

/** The bbox a 1280×800 map shows at `zoom` around a point, as Leaflet would request it. */
export function viewport(lat: number, lon: number, zoom: number): Bbox {
  const worldPx = 256 * 2 ** zoom;
  const cx = mercatorX(lon) * worldPx;
  const cy = mercatorY(lat) * worldPx;
  const west = ((cx - SCREEN.width / 2) / worldPx) * 360 - 180;
  const east = ((cx + SCREEN.width / 2) / worldPx) * 360 - 180;
  const north = unMercatorY((cy - SCREEN.height / 2) / worldPx);
  const south = unMercatorY((cy + SCREEN.height / 2) / worldPx);
  const bbox: Bbox = [Math.max(-180, west), Math.max(-85, south), Math.min(180, east), Math.min(85, north)];
  // Snapped as the map snaps what it requests.
  return requestBbox(bbox, zoom);
}

/** Filter combinations renters use, from none to all four. */
export const FILTER_MIX: Filters[] = [
  {},
  { priceMax: 3000 },
  { types: ['entire'] },
  { priceMin: 1500, priceMax: 4000, bedsMin: 2 },
  { types: ['private', 'shared'], priceMax: 2000 },
  { priceMin: 2500, types: ['entire'], bedsMin: 1 },
];

export interface View {
  zoom: number;
  bbox: Bbox;
  filters: Filters;
  polygon?: Ring;
}

/**
 * Views centred on random listings (renters look where homes are), each level's zooms,
 * filters taken from the mix; deterministic for a seed.
 */
export function viewsFor(
  zooms: number[],
  centres: { lat: number; lon: number }[],
  count: number,
  filters: 'mixed' | 'none',
  seed = 1,
): View[] {
  const rand = seededRandom(seed);
  const views: View[] = [];
  for (let i = 0; i < count; i++) {
    const c = centres[Math.floor(rand() * centres.length)]!;
    const zoom = zooms[i % zooms.length]!;
    views.push({
      zoom,
      bbox: viewport(c.lat, c.lon, zoom),
      filters: filters === 'none' ? {} : FILTER_MIX[Math.floor(rand() * FILTER_MIX.length)]!,
    });
  }
  return views;
}

export function searchQueryString({ bbox, zoom, filters, polygon }: View): string {
  const q = new URLSearchParams({ bbox: bbox.join(','), zoom: String(zoom) });
  for (const [k, v] of filterParams(filters)) q.set(k, v);
  if (polygon) q.set('polygon', ringParam(polygon));
  return q.toString();
}

/** Words renters type into the keyword filter: one common word, two together, rarer pairs. */
export const KEYWORDS = ['sunny', 'loft', 'garden room', 'quiet bedroom', 'renovated condo', 'charming flat', 'spacious', 'airy walk-up'];

/** A hexagon inside the view, as a renter draws around a few blocks: 60% of the view's half-span. */
export function hexagon([w, s, e, n]: Bbox): Ring {
  const cx = (w + e) / 2;
  const cy = (s + n) / 2;
  const rx = ((e - w) / 2) * 0.6;
  const ry = ((n - s) / 2) * 0.6;
  const ring = Array.from({ length: 6 }, (_, k) => [cx + rx * Math.cos((k * Math.PI) / 3), cy + ry * Math.sin((k * Math.PI) / 3)] as [number, number]);
  return [...ring, ring[0]!];
}

export const AREA_VARIANTS = ['q', 'polygon', 'q + polygon'] as const;

/** The views of a level with keywords, a drawn area or both added to the mix's filters. */
export function areaVariantViews(views: View[], variant: (typeof AREA_VARIANTS)[number]): View[] {
  return views.map((v, i) => ({
    ...v,
    filters: variant === 'polygon' ? v.filters : { ...v.filters, q: KEYWORDS[i % KEYWORDS.length]! },
    ...(variant === 'q' ? {} : { polygon: hexagon(v.bbox) }),
  }));
}
