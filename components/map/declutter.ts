/**
 * Bubbles that never overlap and never leave their areas: each label's box in screen
 * pixels, taken by rank (count, largest first), always at its area's own point. A label
 * that would overlap one placed before it — or what lies over the map (the count chip) —
 * is not moved: it shows in one line (name and price) if that fits, else as a small dot
 * at its point, and only where even the dot
 * has no room is it left out (its homes are still in the list and one zoom closer). So a
 * bubble on screen always sits on its area, and the biggest areas always have their
 * labels. Pure, so it is tested without a map; the map measures the boxes.
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
}

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
    if (fits(b)) {
      labels.push(b);
      out.push({ item, form: 'label' });
      continue;
    }
    const c = options.compact?.(item);
    if (c && fits(c)) {
      labels.push(c);
      out.push({ item, form: 'compact' });
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
