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
 * Points: the ring's box is cut into a grid. An edge that spans a whole grid row crosses
 * every latitude of it: lying wholly east of a cell, it crosses the eastward ray of every
 * point of that cell exactly once, so it is counted once into the cell's parity; wholly
 * west, never; otherwise it is listed in the cells its stretch of the row touches. An edge
 * that ends inside a row is listed once for the row, its rows' edges sorted by how far
 * east they reach, so a point stops at the first that ends west of it. Listed edges are
 * tested as `pointInRing` tests them, with the same arithmetic, so `contains` answers
 * exactly what `pointInRing` answers (test/ring-index.test.ts checks it against it), as
 * Lucene's test of the quantized point does, only faster: a comb of 1,000 teeth costs
 * about teeth ÷ columns per point, not 1,000. (Listing an ending edge in every cell west of
 * it, as a first version did, made a 950-corner lasso's grid 150,000 entries.)
 *
 * Boxes: the pyramid asks about a cell, then about the cells inside it. The edges whose
 * box meets a cell are kept on a stack, so a cell inside the one asked before tests only
 * that one's edges, not all of them (an R-tree lookup per cell cost 7 ms a search, more
 * than the points); the same tests as `boxInRing` then decide. Any order of boxes gives the
 * same answers: a box inside none on the stack starts again from every edge.
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
  /** Per cell, the spanning edges to test: `list[start[c] .. start[c + 1])` (CSR). */
  private readonly start: Int32Array;
  private readonly list: Int32Array;
  /** Per row, the edges that end in it, furthest east first: `rowList[rowStart[r] .. rowStart[r + 1])`. */
  private readonly rowStart: Int32Array;
  private readonly rowList: Int32Array;
  /** How far east each of those reaches within its row (with headroom), in the same order. */
  private readonly rowEast: Float64Array;
  /** Each edge's box (west, south, east, north), for the cells' candidates. */
  private readonly edgeBox: Float64Array;
  /** The stack of boxes asked about (4 numbers each) and their candidate edges. */
  private stackBoxes = new Float64Array(4 * 16);
  private stackFrom = new Int32Array(17);
  private stackEdges: Int32Array;
  private depth = 0;

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
    this.rowStart = new Int32Array(side + 1);
    // Two passes over the same placement: count, then fill.
    this.place(false);
    for (let c = 0; c < side * side; c++) this.start[c + 1]! += this.start[c]!;
    for (let r = 0; r < side; r++) this.rowStart[r + 1]! += this.rowStart[r]!;
    this.list = new Int32Array(this.start[side * side]!);
    this.rowList = new Int32Array(this.rowStart[side]!);
    this.rowEast = new Float64Array(this.rowStart[side]!);
    this.place(true);
    this.sortRows();
    this.edgeBox = new Float64Array(4 * n);
    for (let i = 0; i < n; i++) {
      this.edgeBox[4 * i] = Math.min(this.ax[i]!, this.bx[i]!);
      this.edgeBox[4 * i + 1] = Math.min(this.ay[i]!, this.by[i]!);
      this.edgeBox[4 * i + 2] = Math.max(this.ax[i]!, this.bx[i]!);
      this.edgeBox[4 * i + 3] = Math.max(this.ay[i]!, this.by[i]!);
    }
    this.stackEdges = new Int32Array(Math.max(16, n * 4));
  }

  /**
   * Places every edge in the rows it straddles: an edge ending in a row on the row's list;
   * one spanning it in the cells its stretch touches, and in the parity of the cells wholly
   * west of it (one mark at its first column, summed along the row afterwards: marking each
   * cell took a comb of 950 teeth 15 million steps). `fill`: the first pass only counts.
   */
  private place(fill: boolean): void {
    const { ax, ay, bx, by, Y, X, rows, cols, start, rowStart } = this;
    // eastOf[r * (cols + 1) + k]: spanning edges (mod 2) whose first listed column is k, so
    // lying wholly east of columns 0 … k − 1.
    const eastOf = fill ? new Uint8Array(rows * (cols + 1)) : null;
    const nextCell = fill ? start.slice(0, rows * cols) : null;
    const nextRow = fill ? rowStart.slice(0, rows) : null;
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
        if (!(y0 <= Y[r]! && y1 >= Y[r + 1]!)) {
          if (!fill) rowStart[r + 1]!++;
          else {
            const k = nextRow![r]!++;
            this.rowList[k] = e;
            this.rowEast[k] = east;
          }
          continue;
        }
        // Columns with X[c] ≤ east: the edge's crossing may lie east of a point in them.
        const last = this.colOf(east);
        // Cells wholly west of it (X[c + 1] < west) count it once, unlisted.
        let first = this.colOf(west);
        while (first > 0 && X[first]! >= west) first--;
        if (eastOf) eastOf[r * (cols + 1) + first]! ^= 1;
        for (let c = first; c <= last; c++) {
          if (!fill) start[r * cols + c + 1]!++;
          else this.list[nextCell![r * cols + c]!++] = e;
        }
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

  /** Each row's ending edges, furthest east first (insertion sort: a row holds a few). */
  private sortRows(): void {
    const { rowList, rowEast, rowStart } = this;
    for (let r = 0; r < this.rows; r++) {
      for (let i = rowStart[r]! + 1; i < rowStart[r + 1]!; i++) {
        const e = rowList[i]!;
        const east = rowEast[i]!;
        let j = i - 1;
        for (; j >= rowStart[r]! && rowEast[j]! < east; j--) {
          rowList[j + 1] = rowList[j]!;
          rowEast[j + 1] = rowEast[j]!;
        }
        rowList[j + 1] = e;
        rowEast[j + 1] = east;
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
    const row = this.rowOf(lat);
    const cell = row * this.cols + this.colOf(lon);
    let inside = this.parity[cell]!;
    const { ax, ay, bx, by, list, rowList, rowEast } = this;
    // Branch-free: whether an edge straddles the latitude is a coin toss per edge, and a
    // mispredicted branch per edge cost more than the division it would save.
    for (let k = this.start[cell]!, end = this.start[cell + 1]!; k < end; k++) {
      const e = list[k]!;
      const yi = ay[e]!;
      const yj = by[e]!;
      const xi = ax[e]!;
      inside ^= (((yi > lat) !== (yj > lat)) as unknown as number) & ((lon < ((bx[e]! - xi) * (lat - yi)) / (yj - yi) + xi) as unknown as number);
    }
    // Edges ending in this row, until the first that reaches no further east than the point.
    for (let k = this.rowStart[row]!, end = this.rowStart[row + 1]!; k < end && rowEast[k]! >= lon; k++) {
      const e = rowList[k]!;
      const yi = ay[e]!;
      const yj = by[e]!;
      const xi = ax[e]!;
      inside ^= (((yi > lat) !== (yj > lat)) as unknown as number) & ((lon < ((bx[e]! - xi) * (lat - yi)) / (yj - yi) + xi) as unknown as number);
    }
    return inside === 1;
  }

  /** Where a box lies against the ring: exactly `boxInRing(ring, w, s, e, n)`. */
  boxPlace(w: number, s: number, e: number, n: number): BoxInRing {
    const { stackBoxes: boxes, edgeBox, ax, ay, bx, by } = this;
    // The innermost box on the stack that holds this one: its candidates are a superset.
    while (this.depth > 0) {
      const k = 4 * (this.depth - 1);
      if (w >= boxes[k]! && s >= boxes[k + 1]! && e <= boxes[k + 2]! && n <= boxes[k + 3]!) break;
      this.depth--;
    }
    const parent = this.depth;
    const from = parent === 0 ? 0 : this.stackFrom[parent - 1]!;
    const to = parent === 0 ? this.edges : this.stackFrom[parent]!;
    if (this.depth === this.stackFrom.length - 1 || this.stackFrom[parent]! + (to - from) > this.stackEdges.length) this.growStack(to - from);
    let out = parent === 0 ? 0 : this.stackFrom[parent]!;
    const start = out;
    const edges = this.stackEdges;
    let crossing = false;
    for (let k = from; k < to; k++) {
      const i = parent === 0 ? k : edges[k]!;
      // As boxInRing: an edge whose box misses this one cannot meet it.
      if (edgeBox[4 * i]! > e || edgeBox[4 * i + 2]! < w || edgeBox[4 * i + 1]! > n || edgeBox[4 * i + 3]! < s) continue;
      edges[out++] = i;
      if (!crossing && segmentMeetsBox(bx[i]!, by[i]!, ax[i]!, ay[i]!, w, s, e, n)) crossing = true;
    }
    // Pushed whatever the answer: the next box is likely inside this one.
    const k = 4 * this.depth;
    boxes[k] = w;
    boxes[k + 1] = s;
    boxes[k + 2] = e;
    boxes[k + 3] = n;
    this.stackFrom[this.depth] = start;
    this.depth++;
    this.stackFrom[this.depth] = out;
    if (crossing) return BOX_CROSSING;
    return this.contains((w + e) / 2, (s + n) / 2) ? BOX_INSIDE : BOX_OUTSIDE;
  }

  private growStack(more: number): void {
    const boxes = new Float64Array(this.stackBoxes.length * 2);
    boxes.set(this.stackBoxes);
    this.stackBoxes = boxes;
    const from = new Int32Array(this.stackFrom.length * 2 - 1);
    from.set(this.stackFrom);
    this.stackFrom = from;
    const edges = new Int32Array(Math.max(this.stackEdges.length * 2, this.stackEdges.length + more));
    edges.set(this.stackEdges);
    this.stackEdges = edges;
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
