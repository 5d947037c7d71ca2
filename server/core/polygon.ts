import type { Ring } from '../engine/search-engine';

/** Vertices a drawn or saved area may have; New York's largest outline has 1,298. */
export const MAX_RING_VERTICES = 2_000;

/**
 * A ring as both engines accept it: consecutive repeats dropped (a double click when
 * drawing; Lucene refuses them, and a third of New York's outlines have some), closed,
 * at least three distinct corners. Returns a message instead when no ring can be made.
 */
export function normalizeRing(points: readonly (readonly [number, number])[]): Ring | string {
  if (points.length > MAX_RING_VERTICES + 1) return `has more than ${MAX_RING_VERTICES} vertices`;
  const out: Ring = [];
  for (const [lon, lat] of points) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90) {
      return 'vertices must be [lon, lat] within -180..180 and -90..90';
    }
    const last = out[out.length - 1];
    if (!last || last[0] !== lon || last[1] !== lat) out.push([lon, lat]);
  }
  if (out.length > 1 && out[0]![0] === out[out.length - 1]![0] && out[0]![1] === out[out.length - 1]![1]) out.pop();
  if (out.length < 3) return 'needs at least three distinct vertices';
  out.push([out[0]![0], out[0]![1]]);
  return out;
}
