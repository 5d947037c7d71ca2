import { describe, expect, it } from 'vitest';
import { declutter, DOT_SIZE, overlaps, type LabelBox } from '../components/map/declutter';
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
