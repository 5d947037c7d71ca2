/**
 * Bubbles that never overlap and never leave their areas: each label's box in screen
 * pixels, taken by rank (count, largest first), at its area's own point. A label that
 * would overlap one placed before it — or what lies over the map (the count chip) — may
 * (with `nudge`) sit a little off centre, its area's point still well inside it (NUDGE);
 * else it shows in one line (name and price) if that fits, else as a small dot at its
 * point, and only where even the dot has no room is it left out (its homes are still in
 * the list and one zoom closer). So a bubble on screen always sits on its area, and the
 * biggest areas have their labels. Pure, so it is tested without a map; the map measures
 * the boxes.
 */

export interface LabelBox {
  /** Centre in screen pixels. */
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Ranked {
  count: number;
}

export type Form = 'label' | 'compact' | 'dot';

export interface Placed<T> {
  item: T;
  form: Form;
  /** Where the label's centre is from the item's point, in pixels, when nudged (`nudge`). */
  dx?: number;
  dy?: number;
}

/**
 * How far a label may sit off its point: this share of its smaller side, so the point
 * stays inside the bubble (within 80 % of a disc's radius from its centre). At the demo's
 * first view (zoom 10) the boroughs' points are 67–84 px apart and their labels 77–99 px
 * wide (Manhattan's 97): centred, Manhattan's label left Queens a dot and Brooklyn a
 * one-line pill while Staten Island, alone in the south, had its full bubble. Queens, in
 * the corner of Manhattan's and Brooklyn's labels, needs 32 px of its 80.
 */
export const NUDGE = 0.4;
/** Directions a nudge is tried in: sideways and up or down first, then the diagonals (a disc's corners are empty). */
const NUDGE_DIRECTIONS: readonly [number, number][] = [
  [1, 0], [-1, 0], [0, 1], [0, -1],
  [Math.SQRT1_2, Math.SQRT1_2], [-Math.SQRT1_2, Math.SQRT1_2], [Math.SQRT1_2, -Math.SQRT1_2], [-Math.SQRT1_2, -Math.SQRT1_2],
];
/** Shares of the largest nudge tried, the smallest first: a label moves no further than it must. */
const NUDGE_STEPS = [0.25, 0.5, 0.75, 1];

/** Pixels kept clear between two labels. */
export const LABEL_GAP = 3;
/** A dot's box: 12 px and its border. */
export const DOT_SIZE = 16;

export function overlaps(a: LabelBox, b: LabelBox, gap = LABEL_GAP): boolean {
  return Math.abs(a.x - b.x) * 2 < a.w + b.w + gap * 2 && Math.abs(a.y - b.y) * 2 < a.h + b.h + gap * 2;
}

export interface DeclutterOptions<T> {
  /** Boxes nothing may be drawn under (the count chip, the map's buttons). */
  obstacles?: readonly LabelBox[];
  /** Whether an item that gets no label may show as a dot (else it is left out). */
  dots?: boolean;
  /** A smaller label (one line) tried, at the same point, when the full one has no room. */
  compact?: (item: T) => LabelBox | null;
  /** Whether an item's label may sit off its point (NUDGE) when centred it has no room; absent: never. */
  nudge?: (item: T) => boolean;
}

/** The box, or the nearest nudged one (NUDGE), where `fits`; null when none does. */
function place(b: LabelBox, fits: (x: LabelBox) => boolean, nudge: boolean): LabelBox | null {
  if (fits(b)) return b;
  if (!nudge) return null;
  const most = NUDGE * Math.min(b.w, b.h);
  for (const step of NUDGE_STEPS) {
    for (const [ux, uy] of NUDGE_DIRECTIONS) {
      const at = { ...b, x: b.x + ux * most * step, y: b.y + uy * most * step };
      if (fits(at)) return at;
    }
  }
  return null;
}

/**
 * Labels by rank at their own points; the rest dots where a dot fits, else left out.
 * `box` gives an item's label box at its own place. Largest first, ties by the order given.
 */
export function declutter<T extends Ranked>(items: readonly T[], box: (item: T) => LabelBox, options: DeclutterOptions<T> = {}): Placed<T>[] {
  const obstacles = options.obstacles ?? [];
  const labels: LabelBox[] = [];
  const dots: LabelBox[] = [];
  const out: Placed<T>[] = [];
  const ranked = items.map((item, i) => ({ item, i })).sort((a, b) => b.item.count - a.item.count || a.i - b.i);
  const pending: { item: T; at: LabelBox }[] = [];
  for (const { item } of ranked) {
    const b = box(item);
    const fits = (x: LabelBox) => !obstacles.some((o) => overlaps(o, x, 0)) && !labels.some((p) => overlaps(p, x));
    const nudge = options.nudge?.(item) ?? false;
    const shift = (from: LabelBox, to: LabelBox) => (to.x === from.x && to.y === from.y ? {} : { dx: to.x - from.x, dy: to.y - from.y });
    // A full label a little off centre reads before a pill on the point: the largest areas first.
    const full = place(b, fits, nudge);
    if (full) {
      labels.push(full);
      out.push({ item, form: 'label', ...shift(b, full) });
      continue;
    }
    const c = options.compact?.(item);
    const pill = c ? place(c, fits, nudge) : null;
    if (c && pill) {
      labels.push(pill);
      out.push({ item, form: 'compact', ...shift(c, pill) });
      continue;
    }
    pending.push({ item, at: b });
  }
  if (options.dots === false) return out;
  // Dots after every label: a dot never takes a bigger area's label room.
  for (const { item, at } of pending) {
    const d = { x: at.x, y: at.y, w: DOT_SIZE, h: DOT_SIZE };
    if (obstacles.some((o) => overlaps(o, d, 0)) || labels.some((p) => overlaps(p, d, 1)) || dots.some((p) => overlaps(p, d, 0))) continue;
    dots.push(d);
    out.push({ item, form: 'dot' });
  }
  return out;
}
