import { decodeLat, decodeLon, mercatorX, mercatorY, tileOf } from '../../core/geotile';
import type { DistrictSums } from '../../core/regions';
import { BoundedHeap } from '../../core/top-k';
import type { Bbox, Bucket } from '../search-engine';
import type { CellTotals, IndexView, RowSink, RunTotals } from './row-sink';
import { bucketPrices, type PriceUnit, type UnitSum } from '../../contract/search-prices';

/** Each unit code's currency and period, made once per sink (a bucket reads it, never makes it). */
function unitList(index: IndexView): PriceUnit[] {
  return Array.from({ length: index.unitCount }, (_, u) => index.unitOf(u));
}

/**
 * A bucket from its count, encoded coordinate sums and the per-unit count and price sums
 * at `base` (one slot per unit code). A bucket of one unit — nearly every one — is made
 * directly: a cluster view makes a thousand buckets, and going through per-unit lists and
 * bucketPrices for each cost 1–3 ms a view (measured, bench:ab).
 */
function bucket(key: string, label: string, count: number, sLat: number, sLon: number, uCount: Float64Array, uPrice: Float64Array, base: number, units: PriceUnit[]): Bucket {
  let only = -1;
  let seen = 0;
  for (let u = 0; u < units.length; u++) {
    if (uCount[base + u]! > 0) {
      only = u;
      seen++;
    }
  }
  const lat = decodeLat(sLat / count);
  const lon = decodeLon(sLon / count);
  if (seen === 1) {
    const unit = units[only]!;
    return { key, label, count, lat, lon, priceAvg: Math.round(uPrice[base + only]! / uCount[base + only]!), currency: unit.currency, pricePer: unit.pricePer };
  }
  return { key, label, count, lat, lon, ...bucketPrices(unitSums(units, uCount, uPrice, base)) };
}

/** The per-unit sums at `base` of count and price arrays, units without homes left out. */
function unitSums(units: PriceUnit[], uCount: Float64Array, uPrice: Float64Array, base: number): UnitSum[] {
  const out: UnitSum[] = [];
  for (let u = 0; u < units.length; u++) {
    const count = uCount[base + u]!;
    if (count > 0) out.push({ ...units[u]!, count, sumPrice: uPrice[base + u]! });
  }
  return out;
}

/** The homes of `n` per-unit counts from `base`: an area's or tile's count. */
function total(uCount: Float64Array, base: number, n: number): number {
  let sum = 0;
  for (let u = 0; u < n; u++) sum += uCount[base + u]!;
  return sum;
}

/** Buckets come back largest first, ties by key, like Elasticsearch's `terms` order. */
function byCountThenKey(a: Bucket, b: Bucket): number {
  return b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * Totals per district or per neighbourhood, in arrays indexed by the area's dictionary id;
 * prices per area and unit (`area * units + unit`), so each unit's average is of its own homes.
 */
export class AreaSink implements RowSink {
  private readonly sLat: Float64Array;
  private readonly sLon: Float64Array;
  private readonly uCount: Float64Array;
  private readonly uPrice: Float64Array;
  private readonly units: number;
  private readonly area: Uint16Array;
  private readonly unit: Uint16Array;
  private readonly latE: Int32Array;
  private readonly lonE: Int32Array;
  private readonly price: Int32Array;

  constructor(
    private readonly index: IndexView,
    private readonly kind: 'districts' | 'neighbourhoods',
  ) {
    const size = index[kind].names.length;
    this.units = index.unitCount;
    this.sLat = new Float64Array(size);
    this.sLon = new Float64Array(size);
    this.uCount = new Float64Array(size * this.units);
    this.uPrice = new Float64Array(size * this.units);
    const cols = index.columns();
    this.area = kind === 'districts' ? cols.district : cols.neighbourhood;
    this.unit = cols.unit;
    this.latE = cols.latE;
    this.lonE = cols.lonE;
    this.price = cols.price;
  }

  addRows(rows: Int32Array, n: number): void {
    // An area's count is the sum of its units' counts: one write a row fewer.
    const { area, unit, units, sLat, sLon, uCount, uPrice, latE, lonE, price } = this;
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      const a = area[r]!;
      sLat[a]! += latE[r]!;
      sLon[a]! += lonE[r]!;
      const k = a * units + unit[r]!;
      uCount[k]!++;
      uPrice[k]! += price[r]!;
    }
  }

  addRun(t: RunTotals): void {
    const a = this.kind === 'districts' ? this.index.neighbourhoodDistrict[t.neighbourhood]! : t.neighbourhood;
    this.sLat[a]! += t.sLat;
    this.sLon[a]! += t.sLon;
    const k = a * this.units + t.unit;
    this.uCount[k]! += t.count;
    this.uPrice[k]! += t.sPrice;
  }

  addCell(cell: CellTotals): boolean {
    for (const s of cell[this.kind]) {
      this.sLat[s.area]! += s.sLat;
      this.sLon[s.area]! += s.sLon;
      const k = s.area * this.units + s.unit;
      this.uCount[k]! += s.count;
      this.uPrice[k]! += s.sPrice;
    }
    return true;
  }

  /** Each area's sums in degrees (what regions fold), areas with no match left out. */
  sums(): DistrictSums[] {
    const names = this.index[this.kind].names;
    const units = unitList(this.index);
    const out: DistrictSums[] = [];
    for (let a = 0; a < names.length; a++) {
      const count = total(this.uCount, a * this.units, this.units);
      if (count === 0) continue;
      out.push({ key: names[a]!, count, sumLat: decodeLat(this.sLat[a]!), sumLon: decodeLon(this.sLon[a]!), prices: unitSums(units, this.uCount, this.uPrice, a * this.units) });
    }
    return out;
  }

  buckets(): Bucket[] {
    const names = this.index[this.kind].names;
    const units = unitList(this.index);
    const out: Bucket[] = [];
    for (let a = 0; a < names.length; a++) {
      const count = total(this.uCount, a * this.units, this.units);
      if (count === 0) continue;
      const key = names[a]!;
      const label = this.kind === 'districts' ? key : this.index.neighbourhoodName[a]!;
      out.push(bucket(key, label, count, this.sLat[a]!, this.sLon[a]!, this.uCount, this.uPrice, a * this.units, units));
    }
    return out.sort(byCountThenKey);
  }
}

/**
 * Largest tile grid kept as dense arrays (2 MB); a screen needs a few hundred cells, and a
 * wider box (a world view at zoom 15) uses a map instead of allocating per request.
 */
const MAX_DENSE_TILES = 1 << 16;

/** A tile's totals when kept in a map: count, coordinate sums, and per-unit counts and price sums. */
interface TileSums {
  count: number;
  sLat: number;
  sLon: number;
  uCount: Float64Array;
  uPrice: Float64Array;
}

/** Totals per geotile at one precision, keyed `precision/x/y` like `geotile_grid`; prices per unit. */
export class TileSink implements RowSink {
  private readonly side: number;
  private readonly cols;
  private readonly units: number;
  private readonly x0: number;
  private readonly y0: number;
  private readonly width: number;
  /** sLat, sLon per tile, `(y - y0) * width + (x - x0)`; then per tile and unit (`tile * units + unit`) count and price sums (a tile's count is their sum). */
  private readonly dense: [Float64Array, Float64Array, Float64Array, Float64Array] | null;
  private readonly sparse = new Map<number, TileSums>();

  constructor(
    private readonly index: IndexView,
    private readonly precision: number,
    [west, south, east, north]: Bbox,
  ) {
    this.side = 2 ** precision;
    this.cols = index.columns();
    this.units = index.unitCount;
    // One tile of margin each side: rows are in the box when their quantized coordinates
    // are (edges inclusive), and a quantum below an edge can be in the next tile.
    const last = this.side - 1;
    const x0 = west <= east ? Math.max(0, tileOf(mercatorX(west), precision) - 1) : 0;
    const x1 = west <= east ? Math.min(last, tileOf(mercatorX(east), precision) + 1) : last;
    this.y0 = Math.max(0, tileOf(mercatorY(north), precision) - 1);
    const y1 = Math.min(last, tileOf(mercatorY(south), precision) + 1);
    this.x0 = x0;
    this.width = x1 - x0 + 1;
    const cells = this.width * (y1 - this.y0 + 1);
    this.dense =
      cells <= MAX_DENSE_TILES
        ? [new Float64Array(cells), new Float64Array(cells), new Float64Array(cells * this.units), new Float64Array(cells * this.units)]
        : null;
  }

  addRows(rows: Int32Array, n: number): void {
    const { mx, my, latE, lonE, price, unit } = this.cols;
    const { side, units } = this;
    if (this.dense) {
      const [sLat, sLon, uCount, uPrice] = this.dense;
      const { x0, y0, width } = this;
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        // tileOf inlined: mercator values of stored rows are within [0, 1).
        const t = (Math.floor(my[r]! * side) - y0) * width + Math.floor(mx[r]! * side) - x0;
        sLat[t]! += latE[r]!;
        sLon[t]! += lonE[r]!;
        const k = t * units + unit[r]!;
        uCount[k]!++;
        uPrice[k]! += price[r]!;
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      const s = this.sparseSums(tileOf(mx[r]!, this.precision), tileOf(my[r]!, this.precision));
      s.count++;
      s.sLat += latE[r]!;
      s.sLon += lonE[r]!;
      s.uCount[unit[r]!]!++;
      s.uPrice[unit[r]!]! += price[r]!;
    }
  }

  addCell(cell: CellTotals): boolean {
    if (cell.z < this.precision) return false;
    const f = 2 ** (cell.z - this.precision);
    const x = Math.floor(cell.x / f);
    const y = Math.floor(cell.y / f);
    // The cell's own price sum mixes units; its district sums are per unit and add up to it.
    if (this.dense) {
      const [sLat, sLon, uCount, uPrice] = this.dense;
      const t = (y - this.y0) * this.width + x - this.x0;
      sLat[t]! += cell.sLat;
      sLon[t]! += cell.sLon;
      for (const d of cell.districts) {
        uCount[t * this.units + d.unit]! += d.count;
        uPrice[t * this.units + d.unit]! += d.sPrice;
      }
      return true;
    }
    const s = this.sparseSums(x, y);
    s.count += cell.count;
    s.sLat += cell.sLat;
    s.sLon += cell.sLon;
    for (const d of cell.districts) {
      s.uCount[d.unit]! += d.count;
      s.uPrice[d.unit]! += d.sPrice;
    }
    return true;
  }

  private sparseSums(x: number, y: number): TileSums {
    const k = x * this.side + y;
    let s = this.sparse.get(k);
    if (!s) {
      s = { count: 0, sLat: 0, sLon: 0, uCount: new Float64Array(this.units), uPrice: new Float64Array(this.units) };
      this.sparse.set(k, s);
    }
    return s;
  }

  buckets(): Bucket[] {
    const out: Bucket[] = [];
    const units = unitList(this.index);
    const key = (x: number, y: number) => `${this.precision}/${x}/${y}`;
    if (this.dense) {
      const [sLat, sLon, uCount, uPrice] = this.dense;
      for (let t = 0; t < sLat.length; t++) {
        const count = total(uCount, t * this.units, this.units);
        if (count === 0) continue;
        const y = Math.floor(t / this.width);
        out.push(bucket(key(this.x0 + t - y * this.width, this.y0 + y), '', count, sLat[t]!, sLon[t]!, uCount, uPrice, t * this.units, units));
      }
    } else {
      for (const [k, s] of this.sparse) {
        if (s.count === 0) continue;
        const x = Math.floor(k / this.side);
        out.push(bucket(key(x, k - x * this.side), '', s.count, s.sLat, s.sLon, s.uCount, s.uPrice, 0, units));
      }
    }
    return out.sort(byCountThenKey);
  }
}

/** Every matching row, for the street level and the list. */
export class RowCollector implements RowSink {
  readonly rows: number[] = [];
  addRows(rows: Int32Array, n: number): void {
    for (let i = 0; i < n; i++) this.rows.push(rows[i]!);
  }
  addCell(): boolean {
    return false;
  }
}

/** Rows counted per price band: `counts[i]` holds prices in [edges[i], edges[i+1]). */
export class PriceBandSink implements RowSink {
  readonly counts: number[];
  private readonly price: Int32Array;

  constructor(
    index: IndexView,
    private readonly edges: number[],
  ) {
    this.counts = edges.map(() => 0);
    this.price = index.columns().price;
  }

  addRows(rows: Int32Array, n: number): void {
    const { edges, counts, price } = this;
    for (let i = 0; i < n; i++) {
      const p = price[rows[i]!]!;
      // The last edge at or below p, by binary search: a few dozen edges, millions of rows.
      let lo = 0;
      let hi = edges.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (edges[mid]! <= p) lo = mid + 1;
        else hi = mid;
      }
      if (lo > 0) counts[lo - 1]!++;
    }
  }

  addCell(): boolean {
    return false;
  }
}

/**
 * A page of rows in list order without gathering every match: counts all of them (the
 * page's total), keeps the `limit` first under `before` among those `admit` lets in (the
 * rows after the cursor), and counts those too, to tell whether another page follows.
 */
export class TopRowsSink implements RowSink {
  total = 0;
  admitted = 0;
  private readonly heap: BoundedHeap<number>;

  constructor(
    limit: number,
    before: (a: number, b: number) => boolean,
    private readonly admit: ((row: number) => boolean) | null,
  ) {
    this.heap = new BoundedHeap(limit, before);
  }

  addRows(rows: Int32Array, n: number): void {
    this.total += n;
    const { admit, heap } = this;
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      if (admit && !admit(r)) continue;
      this.admitted++;
      heap.offer(r);
    }
  }

  addCell(): boolean {
    return false;
  }

  rows(): number[] {
    return this.heap.sorted();
  }
}
