import { describe, expect, it } from 'vitest';
import { decodeLat, encodeLat, geotileKey, snapBbox, tileLat, tileLon } from '../server/core/geotile';

// The museums of Elasticsearch's geotile_grid reference page, with the keys it documents.
const MUSEUMS = [
  { name: 'NEMO Science Museum', lat: 52.374081, lon: 4.91235 },
  { name: 'Museum Het Rembrandthuis', lat: 52.369219, lon: 4.901618 },
  { name: 'Nederlands Scheepvaartmuseum', lat: 52.371667, lon: 4.914722 },
  { name: 'Letterenhuis', lat: 51.2229, lon: 4.4052 },
  { name: 'Musée du Louvre', lat: 48.861111, lon: 2.336389 },
  { name: "Musée d'Orsay", lat: 48.86, lon: 2.327 },
];

function counts(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

describe('geotile keys match Elasticsearch geotile_grid', () => {
  it('precision 8 buckets of the reference example', () => {
    expect(counts(MUSEUMS.map((m) => geotileKey(m.lat, m.lon, 8)))).toEqual({
      '8/131/84': 3,
      '8/129/88': 2,
      '8/131/85': 1,
    });
  });

  it('precision 22 keys of the three Amsterdam museums', () => {
    const amsterdam = MUSEUMS.slice(0, 3).map((m) => geotileKey(m.lat, m.lon, 22));
    expect(new Set(amsterdam)).toEqual(new Set(['22/2154412/1378379', '22/2154385/1378332', '22/2154259/1378425']));
  });

  it('clips latitudes beyond Web Mercator into the edge rows', () => {
    expect(geotileKey(89.9, 0, 3)).toBe('3/4/0');
    expect(geotileKey(-89.9, 0, 3)).toBe('3/4/7');
    expect(geotileKey(0, 180, 2)).toBe('2/3/2');
    expect(geotileKey(0, -180, 2)).toBe('2/0/2');
  });

  it('keys a point by its Lucene-quantized coordinate, not the raw double', () => {
    // A latitude just above a tile edge quantizes below it, as Elasticsearch sees it.
    const edge = tileLat(1378379, 22);
    const justAbove = edge + 1e-9;
    expect(decodeLat(encodeLat(justAbove))).toBeLessThan(justAbove);
    const lon = tileLon(2154412, 22) + 1e-7;
    expect(geotileKey(justAbove, lon, 22)).toBe(geotileKey(decodeLat(encodeLat(justAbove)), lon, 22));
  });

  it('snaps a bbox outward to tile edges', () => {
    const [w, s, e, n] = snapBbox([-73.99, 40.71, -73.97, 40.73], 12);
    expect(w).toBeLessThanOrEqual(-73.99);
    expect(s).toBeLessThanOrEqual(40.71);
    expect(e).toBeGreaterThanOrEqual(-73.97);
    expect(n).toBeGreaterThanOrEqual(40.73);
    expect(geotileKey(s + 1e-7, w + 1e-7, 12)).toBe(geotileKey(40.71, -73.99, 12));
  });
});
