import { decodeLat, decodeLon, ENCODED_MAX, ENCODED_MIN, encodeEastEdge, encodeLat, encodeWestEdge, tileLat, tileLon, tileOf } from '../../core/geotile';
import { BOX_INSIDE, BOX_OUTSIDE } from '../../core/polygon';
import type { RingIndex } from './ring-index';
import type { EncodedBox } from './encoded-box';
import type { Run } from './price-runs';
import type { AreaSums, Sums } from './row-sink';
import { morton, unmorton } from './z-order';

/**
 * Rows are sorted in Z-order of their geotile at this zoom, so every tile at this zoom or
 * any coarser one is a contiguous run of rows. 17 matches the finest cluster precision
 * (zoom 15 + 2), so pre-aggregated cells serve every cluster view.
 */
export const GRID_ZOOM = 17;
/**
 * Cells at this zoom also keep their rows sorted by neighbourhood, type and price with
 * prefix sums, so a filtered district or neighbourhood view answers each covered cell by
 * binary search instead of a scan. 11 is on the pyramid (17 − 3 × 2) and is about
 * 20 km wide: a city is a handful of them.
 */
export const RUN_ZOOM = 11;
/** Each pyramid level is this many zooms above the next: 4 × 4 = 16 children per cell. */
const PYRAMID_STEP = 2;

/** A tile of the pyramid: a contiguous row range of the sorted base and its live totals. */
export interface Cell extends Sums {
  readonly z: number;
  readonly x: number;
  readonly y: number;
  start: number;
  end: number;
  districts: AreaSums[];
  neighbourhoods: AreaSums[];
  children: Cell[] | null;
  parent: Cell | null;
  /** Price-sorted runs of the cell's rows (cells at RUN_ZOOM only). */
  runs: Run[] | null;
  /** A row of the cell died since the last sort: its runs no longer add up. */
  dirty: boolean;
  /**
   * Encoded bounds every row of the cell lies within. Tile edges in longitude are exact
   * multiples of Lucene's quantum, so they bound rows exactly; latitude edges come from
   * the inverse Mercator and get a 1e-12° margin. Comparing these with a box's encoded
   * bounds decides exactly whether a cell lies inside, so a view snapped to tile edges
   * is answered from cell totals alone.
   */
  latMinE: number;
  latMaxE: number;
  lonMinE: number;
  lonMaxE: number;
}

/** The columns the pyramid sums. */
export interface PyramidColumns {
  readonly latE: Int32Array;
  readonly lonE: Int32Array;
  readonly price: Int32Array;
  readonly district: Uint16Array;
  readonly neighbourhood: Uint16Array;
  readonly unit: Uint16Array;
}

/** The sort key of a row: the Z-order code of its tile at GRID_ZOOM (34 bits). */
export function leafCode(mx: number, my: number): number {
  return morton(tileOf(mx, GRID_ZOOM), tileOf(my, GRID_ZOOM));
}

/**
 * Tiles from GRID_ZOOM up every PYRAMID_STEP zooms, each with the totals of its rows and
 * of each district and neighbourhood among them, per price unit (a cell of one city has
 * one entry per area, as before; only where units mix does an area get two). Built over rows sorted by `leafCode`;
 * kept up to date as base rows die; rebuilt with the next sort.
 */
export class TilePyramid {
  private constructor(
    readonly roots: Cell[],
    /** The cells at RUN_ZOOM, which carry the price runs. */
    readonly runCells: Cell[],
    private readonly leaves: Cell[],
    private readonly leafOfRow: Int32Array,
  ) {}

  static empty(): TilePyramid {
    return new TilePyramid([], [], [], new Int32Array(0));
  }

  /** Over rows 0..codes.length, sorted: `codes[r]` is row r's leafCode. */
  static build(codes: Float64Array, cols: PyramidColumns): TilePyramid {
    const n = codes.length;
    const leafOfRow = new Int32Array(n);
    const leaves: Cell[] = [];
    for (let start = 0; start < n; ) {
      const code = codes[start]!;
      let end = start + 1;
      while (end < n && codes[end] === code) end++;
      const [x, y] = unmorton(code, GRID_ZOOM);
      const cell = makeCell(GRID_ZOOM, x, y, start, end);
      const districts = new Map<number, AreaSums>();
      const neighbourhoods = new Map<number, AreaSums>();
      for (let r = start; r < end; r++) {
        const la = cols.latE[r]!;
        const lo = cols.lonE[r]!;
        const p = cols.price[r]!;
        const u = cols.unit[r]!;
        add(cell, la, lo, p);
        add(areaSums(districts, cols.district[r]!, u), la, lo, p);
        add(areaSums(neighbourhoods, cols.neighbourhood[r]!, u), la, lo, p);
        leafOfRow[r] = leaves.length;
      }
      cell.districts = [...districts.values()];
      cell.neighbourhoods = [...neighbourhoods.values()];
      leaves.push(cell);
      start = end;
    }
    let level = leaves;
    let runCells: Cell[] = [];
    for (let z = GRID_ZOOM - PYRAMID_STEP; z >= 1; z -= PYRAMID_STEP) {
      level = parentsOf(level, z);
      if (z === RUN_ZOOM) runCells = level;
    }
    return new TilePyramid(level, runCells, leaves, leafOfRow);
  }

  /** Takes a base row that died out of the totals of every cell above it. */
  subtractRow(row: number, cols: PyramidColumns): void {
    const latE = cols.latE[row]!;
    const lonE = cols.lonE[row]!;
    const p = cols.price[row]!;
    const d = cols.district[row]!;
    const n = cols.neighbourhood[row]!;
    const u = cols.unit[row]!;
    for (let cell: Cell | null = this.leaves[this.leafOfRow[row]!]!; cell; cell = cell.parent) {
      cell.dirty = true;
      subtract(cell, latE, lonE, p);
      subtract(cell.districts.find((a) => a.area === d && a.unit === u)!, latE, lonE, p);
      subtract(cell.neighbourhoods.find((a) => a.area === n && a.unit === u)!, latE, lonE, p);
    }
  }
}

/**
 * Where a cell lies for a query: null when it is outside the box or wholly outside the
 * ring (nothing to read); else whether it is wholly inside the box, and the ring its rows
 * must still be tested against (null when the cell lies wholly inside it, or there is none).
 */
export function placeOf(cell: Cell, box: EncodedBox, ring: RingIndex | null): { inside: boolean; ring: RingIndex | null } | null {
  if (cell.lonMaxE < box.lonMin || cell.lonMinE > box.lonMax || cell.latMaxE < box.latMin || cell.latMinE > box.latMax) return null;
  let within = ring;
  if (ring) {
    const where = ring.boxPlace(decodeLon(cell.lonMinE), decodeLat(cell.latMinE), decodeLon(cell.lonMaxE), decodeLat(cell.latMaxE));
    if (where === BOX_OUTSIDE) return null;
    if (where === BOX_INSIDE) within = null;
  }
  const inside = cell.lonMinE >= box.lonMin && cell.lonMaxE <= box.lonMax && cell.latMinE >= box.latMin && cell.latMaxE <= box.latMax;
  return { inside, ring: within };
}

function makeCell(z: number, x: number, y: number, start: number, end: number): Cell {
  const last = 2 ** z - 1;
  const west = tileLon(x, z);
  const east = tileLon(x + 1, z);
  // Latitudes beyond Mercator's limit are clipped into the edge rows.
  const north = y === 0 ? 90 : tileLat(y, z);
  const south = y === last ? -90 : tileLat(y + 1, z);
  return {
    z,
    x,
    y,
    start,
    end,
    count: 0,
    sLat: 0,
    sLon: 0,
    sPrice: 0,
    districts: [],
    neighbourhoods: [],
    children: null,
    parent: null,
    runs: null,
    dirty: false,
    latMinE: south === -90 ? ENCODED_MIN : encodeLat(south - 1e-12),
    latMaxE: north === 90 ? ENCODED_MAX : encodeLat(north + 1e-12),
    lonMinE: encodeWestEdge(west),
    lonMaxE: encodeEastEdge(east),
  };
}

/** The cells at zoom z over `children` (in Z-order, so each parent's children are adjacent). */
function parentsOf(children: Cell[], z: number): Cell[] {
  const parents: Cell[] = [];
  for (let i = 0; i < children.length; ) {
    const first = children[i]!;
    const px = Math.floor(first.x / 2 ** (first.z - z));
    const py = Math.floor(first.y / 2 ** (first.z - z));
    const parent = makeCell(z, px, py, first.start, first.end);
    const kids: Cell[] = [];
    const districts = new Map<number, AreaSums>();
    const neighbourhoods = new Map<number, AreaSums>();
    while (i < children.length) {
      const c = children[i]!;
      if (Math.floor(c.x / 2 ** (c.z - z)) !== px || Math.floor(c.y / 2 ** (c.z - z)) !== py) break;
      c.parent = parent;
      kids.push(c);
      parent.end = c.end;
      merge(parent, c);
      for (const a of c.districts) merge(areaSums(districts, a.area, a.unit), a);
      for (const a of c.neighbourhoods) merge(areaSums(neighbourhoods, a.area, a.unit), a);
      i++;
    }
    parent.children = kids;
    parent.districts = [...districts.values()];
    parent.neighbourhoods = [...neighbourhoods.values()];
    parents.push(parent);
  }
  return parents;
}

/** Unit codes stay below this (listing-index: 256 currencies × 2 periods), so area × it + unit is a unique key. */
const UNIT_KEYS = 1 << 10;

function areaSums(map: Map<number, AreaSums>, area: number, unit: number): AreaSums {
  const key = area * UNIT_KEYS + unit;
  let s = map.get(key);
  if (!s) {
    s = { area, unit, count: 0, sLat: 0, sLon: 0, sPrice: 0 };
    map.set(key, s);
  }
  return s;
}

function add(s: Sums, latE: number, lonE: number, price: number): void {
  s.count++;
  s.sLat += latE;
  s.sLon += lonE;
  s.sPrice += price;
}

function subtract(s: Sums, latE: number, lonE: number, price: number): void {
  s.count--;
  s.sLat -= latE;
  s.sLon -= lonE;
  s.sPrice -= price;
}

function merge(into: Sums, from: Sums): void {
  into.count += from.count;
  into.sLat += from.sLat;
  into.sLon += from.sLon;
  into.sPrice += from.sPrice;
}
