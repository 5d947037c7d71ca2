import L from 'leaflet';
// The plugin's typings (map.pm, layer.pm); the code itself loads on first use.
import type {} from '@geoman-io/leaflet-geoman-free';

declare global {
  interface Window {
    /** Where Geoman looks for Leaflet. */
    L?: typeof L;
  }
}

/** The map handler's constructor: the plugin has it, its typings do not declare it. */
type PmWithMap = typeof L.PM & { Map: new (m: L.Map) => L.PM.PMMap };

/** Geoman, the drawing plugin, loaded when first needed: it reads Leaflet from `window.L`. */
export async function loadGeoman(map: L.Map): Promise<void> {
  window.L = L;
  await import('@geoman-io/leaflet-geoman-free');
  // Maps made before the plugin loaded get its handler by hand (typed as always there; it is not).
  const made: Partial<Pick<L.Map, 'pm'>> = map;
  if (!made.pm) map.pm = new (L.PM as PmWithMap).Map(map);
}

/** A drawn or edited shape's outer ring as the API takes it: [lon, lat] to 6 decimals, closed; null under three corners. */
export function ringOf(shape: L.Polygon): [number, number][] | null {
  const latlngs = shape.getLatLngs()[0] as L.LatLng[];
  const ring = latlngs.map((ll) => [Math.round(ll.wrap().lng * 1e6) / 1e6, Math.round(ll.lat * 1e6) / 1e6] as [number, number]);
  return ring.length >= 3 ? [...ring, ring[0]!] : null;
}
