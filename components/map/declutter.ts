/**
 * Bubbles that never overlap: each label's box in screen pixels, taken largest first. One
 * that would overlap a label already placed first moves a little aside (at most its own
 * size, to the nearest free spot of eight directions), so a city's districts all show at
 * the zoom that frames the city; only where no spot is free does it merge into the label
 * it hits (its homes counted there), so the bubbles on screen still add up to every home
 * they stand for. A label on screen is never nudged off it. Pure, so it is tested without
 * a map; the map measures the boxes.
 */

export interface LabelBox {
  /** Centre in screen pixels. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Mergeable {
  count: number;
}

export interface Group<T> {
  /** The largest item of the group: its place and name stand for the group. */
  lead: T;
  members: T[];
  /** Where the label was moved to, in pixels from the lead's own place. */
  dx: number;
  dy: number;
}

/** Tried in order: nearest first, the sides before the corners. */
const NUDGES: [number, number][] = [0.55, 1].flatMap((k) =>
  [[0, -1], [0, 1], [1, 0], [-1, 0], [1, -1], [-1, -1], [1, 1], [-1, 1]].map(([x, y]) => [x! * k, y! * k] as [number, number]),
);

/** Pixels kept clear between two labels. */
export const LABEL_GAP = 3;

export function overlaps(a: LabelBox, b: LabelBox, gap = LABEL_GAP): boolean {
  return Math.abs(a.x - b.x) * 2 < a.w + b.w + gap * 2 && Math.abs(a.y - b.y) * 2 < a.h + b.h + gap * 2;
}

/**
 * Groups items so that no two groups' boxes overlap. `box` gives an item's box at its own
 * place with a given label (a merged group's label is wider: "+2"), `total` its count.
 * Greedy by count, then again until no merge grows a group into another (at most a few
 * rounds: a merge only removes boxes).
 */
/** The screen in pixels: a label inside it is not nudged out of it. */
export interface ScreenBounds {
  width: number;
  height: number;
}

function within(b: LabelBox, s: ScreenBounds): boolean {
  return b.x - b.w / 2 >= 0 && b.y - b.h / 2 >= 0 && b.x + b.w / 2 <= s.width && b.y + b.h / 2 <= s.height;
}

export function declutter<T extends Mergeable>(
  items: readonly T[],
  box: (lead: T, members: number, count: number) => LabelBox,
  screen?: ScreenBounds,
): Group<T>[] {
  let groups: Group<T>[] = [...items].sort((a, b) => b.count - a.count).map((lead) => ({ lead, members: [lead], dx: 0, dy: 0 }));
  for (let round = 0; round < 8; round++) {
    const placed: { group: Group<T>; box: LabelBox }[] = [];
    const free = (b: LabelBox) => !placed.some((p) => overlaps(p.box, b));
    let merged = false;
    for (const g of groups) {
      const count = g.members.reduce((n, m) => n + m.count, 0);
      const b = box(g.lead, g.members.length, count);
      g.dx = 0;
      g.dy = 0;
      if (free(b)) {
        placed.push({ group: g, box: b });
        continue;
      }
      // A label wholly on screen stays on screen (a nudge past the edge would cut it off);
      // one already cut by the edge may go anywhere free.
      const keepIn = screen !== undefined && within(b, screen);
      const nudge = NUDGES.map(([x, y]) => ({ ...b, x: b.x + x * (b.w + LABEL_GAP), y: b.y + y * (b.h + LABEL_GAP) })).find(
        (n) => free(n) && (!keepIn || within(n, screen)),
      );
      if (nudge) {
        g.dx = nudge.x - b.x;
        g.dy = nudge.y - b.y;
        placed.push({ group: g, box: nudge });
        continue;
      }
      placed.find((p) => overlaps(p.box, b))!.group.members.push(...g.members);
      merged = true;
    }
    groups = placed.map((p) => p.group);
    if (!merged) break;
  }
  return groups;
}
