import Flatbush from 'flatbush';
import { BOX_CROSSING, BOX_INSIDE, BOX_OUTSIDE, segmentMeetsBox, type BoxInRing } from '../../core/polygon';
import type { Ring } from '../search-engine';

/** Grid cells per side for a ring of n edges: about 2√n, so a cell holds a few edges of a drawn outline. */
function gridSide(edges: number): number {
  return Math.max(1, Math.min(MAX_SIDE, Math.ceil(4 * Math.sqrt(edges))));
}
/** 128 × 128 cells at most: a 2,000-corner ring's grid builds in about a millisecond. */
const MAX_SIDE = 256;

/**
 * A drawn area prepared once per query so that each point and each cell of the pyramid
 * costs a few edges rather than all of them: a 1,000-corner area tested every edge for
 * every listing and every cell, and held a node's event loop 0.5–0.7 s a search.
 *
 * Points: the ring's box is cut into a grid. In each grid row, an edge that spans the
 * whole row and lies wholly east of a cell crosses the eastward ray of every point of that
 * cell exactly once, so it is counted once into the cell's parity; an edge wholly west of
 * the cell never crosses; the rest are listed in the cell and tested as `pointInRing`
 * tests them, with the same arithmetic. So `contains` answers exactly what `pointInRing`
 * answers (test/ring-index.test.ts checks it against it), as Lucene's test of the
 * quantized point does, only faster: a comb of 1,000 teeth costs about teeth ÷ columns per
 * point, not 1,000.
 *
 * Boxes: a packed R-tree (flatbush) of the edges finds the few that could meet a box; the
 * same tests as `boxInRing` decide.
 */
export class RingIndex {
  private readonly ax: Float64Array;
  private readonly ay: Float64Array;
  private readonly bx: Float64Array;
  private readonly by: Float64Array;
  private readonly edges: number;
  private readonly ymin: number;
  private readonly ymax: number;
  private readonly xmin: number;
  private readonly xmax: number;
  private readonly rows: number;
  private readonly cols: number;
  /** Row and column edges: Y[r] ≤ lat < Y[r + 1] is row r; X likewise (outer columns open-ended). */
  private readonly Y: Float64Array;
  private readonly X: Float64Array;
  /** Per cell (row-major): whether the spanning edges east of it are odd in number. */
  private readonly parity: Uint8Array;
  /** Per cell, the edges to test: `list[start[c] .. start[c + 1])` (CSR). */
  private readonly start: Int32Array;
  private readonly list: Int32Array;
  private readonly tree: Flatbush | null;

  constructor(readonly ring: Ring) {
    // Edge i runs from ring[i] ("a", the later corner: pointInRing's (xi, yi)) back to ring[i - 1].
    const n = Math.max(0, ring.length - 1);
    this.edges = n;
    this.ax = new Float64Array(n);
    this.ay = new Float64Array(n);
    this.bx = new Float64Array(n);
    this.by = new Float64Array(n);
    let ymin = Infinity;
    let ymax = -Infinity;
    let xmin = Infinity;
    let xmax = -Infinity;
    for (let i = 0; i < n; i++) {
      const [x1, y1] = ring[i + 1]!;
      const [x0, y0] = ring[i]!;
      this.ax[i] = x1;
      this.ay[i] = y1;
      this.bx[i] = x0;
      this.by[i] = y0;
      ymin = Math.min(ymin, y0, y1);
      ymax = Math.max(ymax, y0, y1);
      xmin = Math.min(xmin, x0, x1);
      xmax = Math.max(xmax, x0, x1);
    }
    this.ymin = ymin;
    this.ymax = ymax;
    this.xmin = xmin;
    this.xmax = xmax;
    const side = n > 0 && ymax > ymin ? gridSide(n) : 0;
    this.rows = side;
    this.cols = side;
    this.Y = new Float64Array(side + 1);
    this.X = new Float64Array(side + 1);
    for (let r = 0; r <= side; r++) this.Y[r] = r === side ? ymax : ymin + ((ymax - ymin) * r) / side;
    for (let c = 0; c <= side; c++) this.X[c] = c === 0 ? -Infinity : c === side ? Infinity : xmin + ((xmax - xmin) * c) / side;
    this.parity = new Uint8Array(side * side);
    this.start = new Int32Array(side * side + 1);
    // Two passes over the same placement: count per cell, then fill.
    this.place((cell) => this.start[cell + 1]!++);
    for (let c = 0; c < side * side; c++) this.start[c + 1]! += this.start[c]!;
    this.list = new Int32Array(this.start[side * side]!);
    const next = this.start.slice(0, side * side);
    this.parity.fill(0);
    this.place((cell, edge) => (this.list[next[cell]!++] = edge), true);
    this.tree = n > 0 ? edgeTree(this.ax, this.ay, this.bx, this.by) : null;
  }

  /**
   * Walks every (cell, edge) pair to list; with `setParity`, also records which edges span
   * a row wholly east of cells. Each (row, edge) costs only the columns the edge is listed
   * in: the parity of the cells west of it is one mark, summed along the row afterwards (a
   * comb of 950 teeth spanning every row cost 15 million column steps marked one by one).
   */
  private place(onList: (cell: number, edge: number) => void, setParity = false): void {
    const { ax, ay, bx, by, Y, X, rows, cols } = this;
    // eastOf[r * (cols + 1) + k]: spanning edges (mod 2) whose first listed column is k, so
    // lying wholly east of columns 0 … k − 1.
    const eastOf = setParity ? new Uint8Array(rows * (cols + 1)) : null;
    for (let e = 0; e < this.edges; e++) {
      const y0 = Math.min(ay[e]!, by[e]!);
      const y1 = Math.max(ay[e]!, by[e]!);
      // A level edge straddles no latitude (pointInRing never counts it).
      if (y0 === y1) continue;
      const dx = bx[e]! - ax[e]!;
      const dy = by[e]! - ay[e]!;
      // Headroom for rounding in the crossing's x (pointInRing's formula), far above it.
      const slack = 1e-11 + Math.abs(dx) * (1e-12 / Math.abs(dy) + 1e-14);
      for (let r = this.rowOf(y0); r < rows && Y[r]! < y1; r++) {
        const lo = Math.max(y0, Y[r]!);
        const hi = Math.min(y1, Y[r + 1]!);
        const xLo = ax[e]! + (dx * (lo - ay[e]!)) / dy;
        const xHi = ax[e]! + (dx * (hi - ay[e]!)) / dy;
        const west = Math.min(xLo, xHi) - slack;
        const east = Math.max(xLo, xHi) + slack;
        // Columns with X[c] ≤ east: the edge's crossing may lie east of a point in them.
        const last = this.colOf(east);
        let first = 0;
        if (y0 <= Y[r]! && y1 >= Y[r + 1]!) {
          // It spans the row: cells wholly west of it (X[c + 1] < west) count it once, unlisted.
          first = this.colOf(west);
          while (first > 0 && X[first]! >= west) first--;
          if (eastOf) eastOf[r * (cols + 1) + first]! ^= 1;
        }
        for (let c = first; c <= last; c++) onList(r * cols + c, e);
      }
    }
    if (eastOf) {
      for (let r = 0; r < rows; r++) {
        let odd = 0;
        for (let c = cols - 1; c >= 0; c--) {
          odd ^= eastOf[r * (cols + 1) + c + 1]!;
          this.parity[r * cols + c] = odd;
        }
      }
    }
  }

  private rowOf(lat: number): number {
    const { Y, rows } = this;
    let r = Math.min(rows - 1, Math.max(0, Math.floor(((lat - this.ymin) / (this.ymax - this.ymin)) * rows)));
    while (r > 0 && lat < Y[r]!) r--;
    while (r < rows - 1 && lat >= Y[r + 1]!) r++;
    return r;
  }

  private colOf(lon: number): number {
    const { X, cols } = this;
    const span = this.xmax - this.xmin;
    let c = span > 0 ? Math.min(cols - 1, Math.max(0, Math.floor(((lon - this.xmin) / span) * cols))) : 0;
    while (c > 0 && lon < X[c]!) c--;
    while (c < cols - 1 && lon >= X[c + 1]!) c++;
    return c;
  }

  /** Whether the point lies inside the ring: exactly `pointInRing(lon, lat, ring)`. */
  contains(lon: number, lat: number): boolean {
    // Outside [ymin, ymax) no edge straddles the latitude; NaN fails both tests.
    if (!(lat >= this.ymin && lat < this.ymax)) return false;
    const cell = this.rowOf(lat) * this.cols + this.colOf(lon);
    let inside = this.parity[cell]!;
    const { ax, ay, bx, by, list } = this;
    // Branch-free: whether an edge straddles the latitude is a coin toss per edge, and a
    // mispredicted branch per edge cost more than the division it would save (300 ns a
    // point with 17 edges, against about 60).
    for (let k = this.start[cell]!, end = this.start[cell + 1]!; k < end; k++) {
      const e = list[k]!;
      const yi = ay[e]!;
      const yj = by[e]!;
      const xi = ax[e]!;
      inside ^= (((yi > lat) !== (yj > lat)) as unknown as number) & ((lon < ((bx[e]! - xi) * (lat - yi)) / (yj - yi) + xi) as unknown as number);
    }
    return inside === 1;
  }

  /** Where a box lies against the ring: exactly `boxInRing(ring, w, s, e, n)`. */
  boxPlace(w: number, s: number, e: number, n: number): BoxInRing {
    const { tree, ax, ay, bx, by } = this;
    if (tree && w <= this.xmax && e >= this.xmin && s <= this.ymax && n >= this.ymin) {
      let crossing = false;
      // The filter sees each candidate once; it keeps none, so no array of results grows.
      tree.search(w, s, e, n, (i) => {
        if (!crossing && segmentMeetsBox(bx[i]!, by[i]!, ax[i]!, ay[i]!, w, s, e, n)) crossing = true;
        return false;
      });
      if (crossing) return BOX_CROSSING;
    }
    return this.contains((w + e) / 2, (s + n) / 2) ? BOX_INSIDE : BOX_OUTSIDE;
  }
}

/** Rings prepared lately, newest last: a renter panning with a drawn area sends it again with every view. */
const recent: RingIndex[] = [];
/** 4 × at most a few MB (a 2,000-corner ring's lists). */
const RECENT_KEPT = 4;

function sameRing(a: Ring, b: Ring): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
  return true;
}

/** The ring prepared, from the last few prepared when it is one of them (built in 1–3 ms otherwise). */
export function preparedRing(ring: Ring): RingIndex {
  for (let i = recent.length - 1; i >= 0; i--) {
    const hit = recent[i]!;
    if (hit.ring === ring || sameRing(hit.ring, ring)) {
      recent.splice(i, 1);
      recent.push(hit);
      return hit;
    }
  }
  const made = new RingIndex(ring);
  recent.push(made);
  if (recent.length > RECENT_KEPT) recent.shift();
  return made;
}

function edgeTree(ax: Float64Array, ay: Float64Array, bx: Float64Array, by: Float64Array): Flatbush {
  const tree = new Flatbush(ax.length);
  for (let i = 0; i < ax.length; i++) tree.add(Math.min(ax[i]!, bx[i]!), Math.min(ay[i]!, by[i]!), Math.max(ax[i]!, bx[i]!), Math.max(ay[i]!, by[i]!));
  tree.finish();
  return tree;
}
