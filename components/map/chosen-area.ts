import type { Feature, FeatureCollection } from 'geojson';

/** The area picked in the place box: its boundary features, or the hull of its homes. No Leaflet here: the page's server render imports it. */
export type ChosenArea = { kind: 'features'; features: Feature[] } | { kind: 'hull'; ring: [number, number][] };

/** An area's features in a boundaries file: a district's all, a neighbourhood's own. */
export function areaFeatures(fc: FeatureCollection, kind: 'district' | 'neighbourhood', label: string, district?: string): Feature[] {
  const props = (f: Feature) => (f.properties ?? {}) as Record<string, unknown>;
  return fc.features.filter((f) => {
    const p = props(f);
    const d = p.neighbourhood_group ?? p.district;
    if (kind === 'district') return d === label;
    return p.neighbourhood === label && (!district || d === undefined || d === district);
  });
}
