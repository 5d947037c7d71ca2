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
  // The count above let a closing repeat through; an open ring of one corner more is not.
  if (out.length > MAX_RING_VERTICES) return `has more than ${MAX_RING_VERTICES} vertices`;
  out.push([out[0]![0], out[0]![1]]);
  return out;
}

/**
 * Whether a point lies inside a closed ring (even-odd ray casting). Plain arithmetic on
 * the ring's numbers: it runs once per row of a polygon search, where building GeoJSON
 * objects per point measured far slower.
 */
export function pointInRing(lon: number, lat: number, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** The box a ring covers: west, south, east, north. */
export function ringBbox(ring: Ring): [number, number, number, number] {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  for (const [x, y] of ring) {
    w = Math.min(w, x);
    e = Math.max(e, x);
    s = Math.min(s, y);
    n = Math.max(n, y);
  }
  return [w, s, e, n];
}

/**
 * A drawn area as the API and the page's URL write it, `lon,lat,lon,lat,…` (at least three
 * corners; closed for you): the ring, or a message saying what is wrong.
 */
export function parseRingParam(text: string): Ring | string {
  const nums = text.split(',').map((p) => (/^\s*-?(\d+\.?\d*|\.\d+)\s*$/.test(p) ? Number(p) : NaN));
  if (nums.length < 6 || nums.length % 2 !== 0 || nums.some((n) => !Number.isFinite(n))) {
    return 'must be lon,lat pairs: at least three corners';
  }
  const points: [number, number][] = [];
  for (let i = 0; i < nums.length; i += 2) points.push([nums[i]!, nums[i + 1]!]);
  return normalizeRing(points);
}

/** A ring as `lon,lat,…` without its closing repeat, six decimals (about 10 cm). */
export function ringParam(ring: Ring): string {
  return ring.slice(0, -1).flatMap(([lon, lat]) => [lon.toFixed(6).replace(/\.?0+$/, ''), lat.toFixed(6).replace(/\.?0+$/, '')]).join(',');
}

/**
 * Whether the segment a–b meets the closed box [w, e] × [s, n] (Liang–Barsky clipping).
 * Unrolled, with nothing allocated: it runs for every edge near every cell a drawn-area
 * search visits.
 */
export function segmentMeetsBox(ax: number, ay: number, bx: number, by: number, w: number, s: number, e: number, n: number): boolean {
  const dx = bx - ax;
  const dy = by - ay;
  let t0 = 0;
  let t1 = 1;
  // Each clip: p·t ≤ q for the part of the segment inside one side of the box.
  for (let side = 0; side < 4; side++) {
    const p = side === 0 ? -dx : side === 1 ? dx : side === 2 ? -dy : dy;
    const q = side === 0 ? ax - w : side === 1 ? e - ax : side === 2 ? ay - s : n - ay;
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) {
        if (t > t1) return false;
        if (t > t0) t0 = t;
      } else {
        if (t < t0) return false;
        if (t < t1) t1 = t;
      }
    }
  }
  return true;
}

export const BOX_OUTSIDE = 0;
export const BOX_INSIDE = 1;
export const BOX_CROSSING = 2;
export type BoxInRing = typeof BOX_OUTSIDE | typeof BOX_INSIDE | typeof BOX_CROSSING;

/**
 * Where a box lies against a ring: when no edge of the ring meets the closed box, every
 * point of the box is on the same side, so the box's centre decides; otherwise the box
 * must be tested point by point. Lets a drawn-area search take whole cells' totals.
 */
export function boxInRing(ring: Ring, w: number, s: number, e: number, n: number): BoxInRing {
  for (let i = 1; i < ring.length; i++) {
    const [ax, ay] = ring[i - 1]!;
    const [bx, by] = ring[i]!;
    if (Math.max(ax, bx) < w || Math.min(ax, bx) > e || Math.max(ay, by) < s || Math.min(ay, by) > n) continue;
    if (segmentMeetsBox(ax, ay, bx, by, w, s, e, n)) return BOX_CROSSING;
  }
  return pointInRing((w + e) / 2, (s + n) / 2, ring) ? BOX_INSIDE : BOX_OUTSIDE;
}
