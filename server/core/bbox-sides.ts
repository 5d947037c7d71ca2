import type { Bbox } from '../engine/search-engine';

/**
 * A bbox as boxes that do not cross the antimeridian: itself, or when its west edge lies
 * east of its east edge, the side up to 180° and the side from -180°.
 */
export function bboxSides([west, south, east, north]: Bbox): Bbox[] {
  if (west <= east) return [[west, south, east, north]];
  return [
    [west, south, 180, north],
    [-180, south, east, north],
  ];
}
