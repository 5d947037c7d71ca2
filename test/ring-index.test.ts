/**
 * The prepared drawn area (engine/embedded/ring-index.ts) answers exactly what the plain
 * tests answer (core/polygon.ts's pointInRing and boxInRing), for any ring: random ones,
 * self-crossing ones, combs and stars, at the awkward points too (corners, edge midpoints,
 * the grid's own lines), so it changes no search result, only its cost.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boxInRing, normalizeRing, pointInRing } from '../server/core/polygon';
import { preparedRing, RingIndex } from '../server/engine/embedded/ring-index';
import type { Ring } from '../server/engine/search-engine';

const coord = (lo: number, hi: number) => fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
const corner = fc.tuple(coord(-74.3, -73.7), coord(40.5, 40.95));
/** Corners on a coarse lattice too, so level and upright edges and shared coordinates are common. */
const latticeCorner = fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 })).map(([i, j]) => [-74 + i * 0.05, 40.5 + j * 0.05] as [number, number]);
const ringArb = fc
  .array(fc.oneof(corner, latticeCorner), { minLength: 3, maxLength: 120 })
  .map((points) => normalizeRing(points))
  .filter((r): r is Ring => typeof r !== 'string');

/** Points worth asking about for a ring: its corners, edge midpoints and thirds, and random ones. */
function probes(ring: Ring, extra: [number, number][]): [number, number][] {
  const out: [number, number][] = [...extra];
  for (let i = 1; i < ring.length; i++) {
    const [ax, ay] = ring[i - 1]!;
    const [bx, by] = ring[i]!;
    out.push([ax, ay], [(ax + bx) / 2, (ay + by) / 2], [ax + (bx - ax) / 3, ay + (by - ay) / 3], [ax, by], [bx, ay]);
  }
  return out;
}

describe('RingIndex', () => {
  it('contains() is pointInRing() for random rings and points, corners and edges included', () => {
    fc.assert(
      fc.property(ringArb, fc.array(corner, { maxLength: 200 }), (ring, extra) => {
        const index = new RingIndex(ring);
        for (const [lon, lat] of probes(ring, extra)) {
          if (index.contains(lon, lat) !== pointInRing(lon, lat, ring)) return false;
        }
        return true;
      }),
      { numRuns: 400 },
    );
  });

  it('boxPlace() is boxInRing() for random boxes, tiny and large, touching corners', () => {
    const box = fc.tuple(corner, coord(0, 0.3), coord(0, 0.3));
    fc.assert(
      fc.property(ringArb, fc.array(box, { maxLength: 60 }), (ring, boxes) => {
        const index = new RingIndex(ring);
        const all = [...boxes.map(([[w, s], dw, dh]) => [w, s, w + dw, s + dh] as const), ...ring.map(([x, y]) => [x, y, x + 0.01, y + 0.01] as const), ...ring.map(([x, y]) => [x - 1e-9, y - 1e-9, x, y] as const)];
        for (const [w, s, e, n] of all) {
          if (index.boxPlace(w, s, e, n) !== boxInRing(ring, w, s, e, n)) return false;
        }
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('boxPlace() is boxInRing() when boxes come as the pyramid asks: a cell, then cells inside it, then its siblings', () => {
    /** Quadrants, depth first, as the pyramid's walk visits them (order among children random). */
    function* walk(w: number, s: number, e: number, n: number, depth: number, pick: number[]): Generator<[number, number, number, number]> {
      yield [w, s, e, n];
      if (depth === 0) return;
      const mx = (w + e) / 2;
      const my = (s + n) / 2;
      const quads: [number, number, number, number][] = [
        [w, s, mx, my],
        [mx, s, e, my],
        [w, my, mx, n],
        [mx, my, e, n],
      ];
      const start = pick[depth % pick.length]! % 4;
      for (let q = 0; q < 4; q++) yield* walk(...quads[(start + q) % 4]!, depth - 1, pick);
    }
    fc.assert(
      fc.property(ringArb, fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (ring, pick) => {
        const index = new RingIndex(ring);
        for (const [w, s, e, n] of walk(-74.3, 40.45, -73.7, 40.95, 4, pick)) {
          if (index.boxPlace(w, s, e, n) !== boxInRing(ring, w, s, e, n)) return false;
        }
        // And again, as the next query of the same area would.
        for (const [w, s, e, n] of walk(-74.3, 40.45, -73.7, 40.95, 3, pick.reverse())) {
          if (index.boxPlace(w, s, e, n) !== boxInRing(ring, w, s, e, n)) return false;
        }
        return true;
      }),
      { numRuns: 150 },
    );
  });

  it('agrees on the shapes that were slow: a comb, a star and a wiggly lasso of 1,000 corners', () => {
    const shapes: [number, number][][] = [[], [], []];
    for (let i = 0; i < 500; i++) shapes[0]!.push([-74.2 + i * 0.001, i % 2 ? 40.5 : 40.9]);
    shapes[0]!.push([-73.6, 40.4], [-74.3, 40.4]);
    for (let i = 0; i < 1000; i++) {
      const a = (2 * Math.PI * i) / 1000;
      const star = i % 2 ? 0.05 : 0.2;
      shapes[1]!.push([-74 + star * Math.cos(a), 40.7 + star * Math.sin(a)]);
      const wiggle = 0.1 + 0.09 * Math.sin(i * 7.3) * Math.cos(i * 1.7);
      shapes[2]!.push([-74 + wiggle * Math.cos(a), 40.7 + wiggle * Math.sin(a)]);
    }
    let inside = 0;
    for (const points of shapes) {
      const ring = normalizeRing(points) as Ring;
      const index = new RingIndex(ring);
      for (let i = 0; i < 20_000; i++) {
        // A fixed scatter over the shapes' box (no seed needed to reproduce).
        const lon = -74.3 + ((i * 0.6180339887) % 1) * 0.7;
        const lat = 40.4 + ((i * 0.7548776662) % 1) * 0.55;
        const want = pointInRing(lon, lat, ring);
        expect(index.contains(lon, lat)).toBe(want);
        if (want) inside++;
      }
    }
    expect(inside).toBeGreaterThan(1_000);
  });

  it('a degenerate ring (all corners on one line) contains nothing, like pointInRing', () => {
    const ring: Ring = [
      [0, 0],
      [1, 0],
      [2, 0],
      [0, 0],
    ];
    const index = new RingIndex(ring);
    for (const [x, y] of [[0.5, 0], [1, 0], [0.5, 1e-12], [Number.NaN, 0]] as const) expect(index.contains(x, y)).toBe(pointInRing(x, y, ring));
  });
});

describe('preparedRing', () => {
  it('gives back the index of a ring equal to one prepared lately, and a new one for any other', () => {
    const ring = normalizeRing([[0, 0], [1, 0], [1, 1], [0, 1]]) as Ring;
    const first = preparedRing(ring);
    expect(preparedRing(ring.map(([x, y]) => [x, y] as [number, number]))).toBe(first);
    const moved = preparedRing(ring.map(([x, y]) => [x, y + 1e-9] as [number, number]));
    expect(moved).not.toBe(first);
    expect(moved.contains(0.5, 1 + 5e-10)).toBe(true);
    expect(first.contains(0.5, 1 + 5e-10)).toBe(false);
  });
});
