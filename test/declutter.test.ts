import { describe, expect, it } from 'vitest';
import { declutter, DOT_SIZE, NUDGE, overlaps, type LabelBox } from '../components/map/declutter';
import { convexHull } from '../components/map/hull';
import { seededRandom } from '../server/core/seeded-random';

interface Item {
  key: string;
  count: number;
  x: number;
  y: number;
}

/** A label 60 px wide, 40 px high, centred on its item's point. */
const boxOf = (item: Item): LabelBox => ({ x: item.x, y: item.y, w: 60, h: 40 });
const dotOf = (item: Item): LabelBox => ({ x: item.x, y: item.y, w: DOT_SIZE, h: DOT_SIZE });

describe('declutter (issue 30: bubbles stay at their areas)', () => {
  it('labels by rank at their own points; a smaller one that would overlap is a dot at its point, not moved', () => {
    const items: Item[] = [
      { key: 'a', count: 10, x: 0, y: 0 },
      { key: 'b', count: 50, x: 45, y: 10 },
      { key: 'c', count: 5, x: 300, y: 0 },
    ];
    const placed = declutter(items, boxOf);
    expect(placed.map((p) => [p.item.key, p.form])).toEqual([
      ['b', 'label'],
      ['c', 'label'],
      ['a', 'dot'],
    ]);
  });

  it('a dot with no room either is left out; never two things on one spot', () => {
    const items: Item[] = [50, 40, 30].map((count, i) => ({ key: String(i), count, x: 0, y: 0 }));
    const placed = declutter(items, boxOf);
    expect(placed.map((p) => [p.item.key, p.form])).toEqual([['0', 'label']]);
  });

  it('nothing under an obstacle (the count chip): a label there is a dot beside it or left out', () => {
    const chip: LabelBox = { x: 200, y: 20, w: 200, h: 40 };
    const items: Item[] = [
      { key: 'under', count: 100, x: 200, y: 30 },
      { key: 'edge', count: 90, x: 200 + 100 + 20, y: 30 },
      { key: 'free', count: 1, x: 200, y: 200 },
    ];
    const placed = declutter(items, boxOf, { obstacles: [chip] });
    expect(placed.map((p) => [p.item.key, p.form])).toEqual([
      ['free', 'label'],
      ['edge', 'dot'],
    ]);
  });

  it('on 500 random labels: every one at its own point, no two labels or dots overlap, the biggest always a label', () => {
    const rand = seededRandom(3);
    const items: Item[] = Array.from({ length: 500 }, (_, i) => ({ key: String(i), count: 1 + Math.floor(rand() * 1000), x: rand() * 1280, y: rand() * 800 }));
    const placed = declutter(items, boxOf);
    const labels = placed.filter((p) => p.form === 'label').map((p) => boxOf(p.item));
    const dots = placed.filter((p) => p.form === 'dot').map((p) => dotOf(p.item));
    for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) expect(overlaps(labels[i]!, labels[j]!)).toBe(false);
    for (const d of dots) for (const l of labels) expect(overlaps(d, l, 1)).toBe(false);
    for (let i = 0; i < dots.length; i++) for (let j = i + 1; j < dots.length; j++) expect(overlaps(dots[i]!, dots[j]!, 0)).toBe(false);
    const biggest = items.reduce((a, b) => (b.count > a.count ? b : a));
    expect(placed.find((p) => p.item === biggest)?.form).toBe('label');
    // Each item once at most, and many shown: labels where they fit, dots between.
    expect(new Set(placed.map((p) => p.item.key)).size).toBe(placed.length);
    expect(labels.length).toBeGreaterThan(100);
    expect(dots.length).toBeGreaterThan(50);
  });

  it('without dots, the crowded ones are left out', () => {
    const items: Item[] = [
      { key: 'a', count: 10, x: 0, y: 0 },
      { key: 'b', count: 50, x: 30, y: 10 },
    ];
    expect(declutter(items, boxOf, { dots: false }).map((p) => p.item.key)).toEqual(['b']);
  });
});

describe('convexHull (an area outlined by its homes)', () => {
  it('is the closed outer ring of the points, inner points left out', () => {
    const ring = convexHull([
      [0, 0],
      [2, 0],
      [1, 1],
      [2, 2],
      [0, 2],
      [1, 0.5],
    ]);
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(new Set(ring.slice(0, -1).map((p) => p.join(',')))).toEqual(new Set(['0,0', '2,0', '2,2', '0,2']));
  });

  it('is empty for fewer than three distinct points or a line', () => {
    expect(convexHull([[1, 1], [1, 1], [2, 2]])).toEqual([]);
    expect(convexHull([[0, 0], [1, 1], [2, 2]])).toEqual([]);
  });
});

describe('declutter: one line where the full label has no room', () => {
  it('tries the compact label at the same point before a dot', () => {
    const items: Item[] = [
      { key: 'big', count: 50, x: 0, y: 0 },
      { key: 'near', count: 10, x: 0, y: 35 },
    ];
    const compact = (i: Item): LabelBox => ({ x: i.x, y: i.y, w: 50, h: 20 });
    const placed = declutter(items, boxOf, { compact });
    expect(placed.map((p) => [p.item.key, p.form])).toEqual([
      ['big', 'label'],
      ['near', 'compact'],
    ]);
    // Without room for the line either: a dot, still at its point.
    expect(declutter([...items, { key: 'c', count: 5, x: 0, y: 46 }], boxOf, { compact }).map((p) => [p.item.key, p.form])).toEqual([
      ['big', 'label'],
      ['near', 'compact'],
    ]);
  });
});

describe('declutter: a full label a little off its point before a pill or a dot', () => {
  /** The demo's boroughs at its first view (zoom 10, desktop 1280 × 800), their label boxes as the page measures them (bubbleBox). */
  const boroughs = [
    { key: 'Manhattan', count: 20_215, x: 447, y: 411, w: 97, h: 83 },
    { key: 'Brooklyn', count: 15_187, x: 458, y: 495, w: 82, h: 82 },
    { key: 'Queens', count: 9_143, x: 514, y: 436, w: 80, h: 80 },
    { key: 'Bronx', count: 4_105, x: 505, y: 332, w: 77, h: 77 },
    { key: 'Staten Island', count: 1_350, x: 333, y: 569, w: 99, h: 72 },
  ];
  const box = (b: (typeof boroughs)[number]): LabelBox => ({ x: b.x, y: b.y, w: b.w, h: b.h });

  it('centred, the largest boroughs after Manhattan lose their labels while the smallest keeps one (the defect)', () => {
    const placed = declutter(boroughs, box, { compact: (b) => ({ x: b.x, y: b.y, w: 90, h: 22 }) });
    expect(Object.fromEntries(placed.map((p) => [p.item.key, p.form]))).toMatchObject({ Manhattan: 'label', Queens: 'dot', 'Staten Island': 'label' });
  });

  it('nudged: every borough a full label, none overlapping, each point in the middle of its own label', () => {
    const placed = declutter(boroughs, box, { compact: (b) => ({ x: b.x, y: b.y, w: 90, h: 22 }), nudge: () => true });
    expect(placed.map((p) => [p.item.key, p.form])).toEqual(boroughs.map((b) => [b.key, 'label']));
    const drawn = placed.map((p) => ({ ...box(p.item), x: p.item.x + (p.dx ?? 0), y: p.item.y + (p.dy ?? 0) }));
    for (let i = 0; i < drawn.length; i++) for (let j = i + 1; j < drawn.length; j++) expect(overlaps(drawn[i]!, drawn[j]!), `${boroughs[i]!.key} × ${boroughs[j]!.key}`).toBe(false);
    for (const p of placed) expect(Math.hypot(p.dx ?? 0, p.dy ?? 0), p.item.key).toBeLessThanOrEqual(NUDGE * Math.min(p.item.w, p.item.h) + 1e-9);
    // The largest stays on its point; only those that must move do.
    expect(placed[0]).toEqual({ item: boroughs[0], form: 'label' });
  });

  it('never under an obstacle, nudged or not; a tag that may not move stays a dot', () => {
    const chip: LabelBox = { x: 200, y: 20, w: 200, h: 40 };
    const items: Item[] = [{ key: 'edge', count: 90, x: 200 + 100 + 20, y: 30 }];
    const [edge] = declutter(items, boxOf, { obstacles: [chip], nudge: () => true });
    expect(edge).toMatchObject({ form: 'label' });
    expect(overlaps(chip, { ...boxOf(items[0]!), x: 320 + edge!.dx! }, 0)).toBe(false);
    expect(declutter(items, boxOf, { obstacles: [chip], nudge: () => false }).map((p) => p.form)).toEqual(['dot']);
  });
});
