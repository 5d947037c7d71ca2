import { describe, expect, it } from 'vitest';
import { declutter, overlaps, type LabelBox } from '../components/map/declutter';
import { seededRandom } from '../server/core/seeded-random';

interface Item {
  key: string;
  count: number;
  x: number;
  y: number;
}

/** A label 60 px wide, 10 px more for "+N", 40 px high. */
const boxOf = (lead: Item, members: number): LabelBox => ({ x: lead.x, y: lead.y, w: 60 + (members > 1 ? 10 : 0), h: 40 });

describe('declutter', () => {
  it('keeps apart labels that do not touch; moves the smaller of two that would just aside', () => {
    const items: Item[] = [
      { key: 'a', count: 10, x: 0, y: 0 },
      { key: 'b', count: 50, x: 30, y: 10 },
      { key: 'c', count: 5, x: 300, y: 0 },
    ];
    const groups = declutter(items, boxOf);
    expect(groups.map((g) => [g.lead.key, g.members.map((m) => m.key)])).toEqual([['b', ['b']], ['a', ['a']], ['c', ['c']]]);
    // a (60 × 40 at 0,0) hits b (at 30,10): up or down by 0.55 × 43 px still hits it, so does
    // right; left by 0.55 × (60 + 3) px clears it by a pixel and a half.
    const a = groups[1]!;
    expect(a.dx).toBeCloseTo(-34.65, 9);
    expect(a.dy).toBe(0);
    expect(groups[0]!.dx + groups[0]!.dy + groups[2]!.dx + groups[2]!.dy).toBe(0);
  });

  it('merges when no spot nearby is free: five labels on one point', () => {
    const items: Item[] = [50, 40, 30, 20, 10, 5, 4, 3, 2, 1].map((count, i) => ({ key: String(i), count, x: 0, y: 0 }));
    const groups = declutter(items, boxOf);
    expect(groups.length).toBeLessThan(items.length);
    expect(groups[0]!.lead.key).toBe('0');
    expect(groups.reduce((n, g) => n + g.members.length, 0)).toBe(items.length);
  });

  it('on 500 random labels: no two groups overlap and every count is kept, checked pair by pair', () => {
    const rand = seededRandom(3);
    const items: Item[] = Array.from({ length: 500 }, (_, i) => ({ key: String(i), count: 1 + Math.floor(rand() * 1000), x: rand() * 1280, y: rand() * 800 }));
    const groups = declutter(items, boxOf);
    const boxes = groups.map((g) => {
      const b = boxOf(g.lead, g.members.length);
      return { ...b, x: b.x + g.dx, y: b.y + g.dy };
    });
    // No label strays further than its own size from its place.
    for (const g of groups) expect(Math.abs(g.dx) <= 73 && Math.abs(g.dy) <= 43).toBe(true);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!)).toBe(false);
    expect(groups.reduce((n, g) => n + g.members.reduce((s, m) => s + m.count, 0), 0)).toBe(items.reduce((n, m) => n + m.count, 0));
    // Each group is led by its largest member.
    for (const g of groups) expect(Math.max(...g.members.map((m) => m.count))).toBe(g.lead.count);
  });

  it('a label on screen is never nudged off it; one already cut by the edge may move anywhere', () => {
    const screen = { width: 390, height: 844 };
    const rand = seededRandom(5);
    const items: Item[] = Array.from({ length: 200 }, (_, i) => ({ key: String(i), count: 1 + Math.floor(rand() * 1000), x: 30 + rand() * 330, y: 20 + rand() * 804 }));
    // Two at the right edge: the smaller cannot go right or off the top.
    items.push({ key: 'edge-big', count: 5000, x: 355, y: 22 }, { key: 'edge-small', count: 1, x: 350, y: 30 });
    const groups = declutter(items, boxOf, screen);
    for (const g of groups) {
      const b = boxOf(g.lead, g.members.length);
      const inside = (x: number, y: number) => x - b.w / 2 >= 0 && y - b.h / 2 >= 0 && x + b.w / 2 <= screen.width && y + b.h / 2 <= screen.height;
      if (inside(b.x, b.y)) expect(inside(b.x + g.dx, b.y + g.dy), g.lead.key).toBe(true);
    }
    // Without the screen, the same labels do leave it: the test is of the bound, not luck.
    const loose = declutter(items, boxOf);
    expect(
      loose.some((g) => {
        const b = boxOf(g.lead, g.members.length);
        const x = b.x + g.dx;
        const y = b.y + g.dy;
        return x + b.w / 2 > screen.width || y - b.h / 2 < 0 || x - b.w / 2 < 0 || y + b.h / 2 > screen.height;
      }),
    ).toBe(true);
  });
});
