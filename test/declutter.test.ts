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
  it('keeps apart labels that do not touch, merges the smaller of two that would', () => {
    const items: Item[] = [
      { key: 'a', count: 10, x: 0, y: 0 },
      { key: 'b', count: 50, x: 30, y: 10 },
      { key: 'c', count: 5, x: 300, y: 0 },
    ];
    const groups = declutter(items, boxOf);
    expect(groups.map((g) => [g.lead.key, g.members.map((m) => m.key)])).toEqual([
      ['b', ['b', 'a']],
      ['c', ['c']],
    ]);
  });

  it('on 500 random labels: no two groups overlap and every count is kept, checked pair by pair', () => {
    const rand = seededRandom(3);
    const items: Item[] = Array.from({ length: 500 }, (_, i) => ({ key: String(i), count: 1 + Math.floor(rand() * 1000), x: rand() * 1280, y: rand() * 800 }));
    const groups = declutter(items, boxOf);
    const boxes = groups.map((g) => boxOf(g.lead, g.members.length));
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!)).toBe(false);
    expect(groups.reduce((n, g) => n + g.members.reduce((s, m) => s + m.count, 0), 0)).toBe(items.reduce((n, m) => n + m.count, 0));
    // Each group is led by its largest member.
    for (const g of groups) expect(Math.max(...g.members.map((m) => m.count))).toBe(g.lead.count);
  });
});
