import { decodeLat, decodeLon, mercatorX, mercatorY, tileOf } from '../../core/geotile';
import type { DistrictSums } from '../../core/regions';
import { BoundedHeap } from '../../core/top-k';
import type { Bbox, Bucket } from '../search-engine';
import type { CellTotals, IndexView, RowSink, RunTotals, Sums } from './row-sink';

function bucket(key: string, label: string, s: Sums): Bucket {
  return {
    key,
    label,
    count: s.count,
    lat: decodeLat(s.sLat / s.count),
    lon: decodeLon(s.sLon / s.count),
    priceAvg: Math.round(s.sPrice / s.count),
  };
}

/** Buckets come back largest first, ties by key, like Elasticsearch's `terms` order. */
function byCountThenKey(a: Bucket, b: Bucket): number {
  return b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Totals per district or per neighbourhood, in arrays indexed by the area's dictionary id. */
export class AreaSink implements RowSink {
  private readonly count: Float64Array;
  private readonly sLat: Float64Array;
  private readonly sLon: Float64Array;
  private readonly sPrice: Float64Array;
  private readonly area: Uint16Array;
  private readonly latE: Int32Array;
  private readonly lonE: Int32Array;
  private readonly price: Int32Array;

  constructor(
    private readonly index: IndexView,
    private readonly kind: 'districts' | 'neighbourhoods',
  ) {
    const size = index[kind].names.length;
    this.count = new Float64Array(size);
    this.sLat = new Float64Array(size);
    this.sLon = new Float64Array(size);
    this.sPrice = new Float64Array(size);
    const cols = index.columns();
    this.area = kind === 'districts' ? cols.district : cols.neighbourhood;
    this.latE = cols.latE;
    this.lonE = cols.lonE;
    this.price = cols.price;
  }

  addRows(rows: Int32Array, n: number): void {
    const { area, count, sLat, sLon, sPrice, latE, lonE, price } = this;
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      const a = area[r]!;
      count[a]!++;
      sLat[a]! += latE[r]!;
      sLon[a]! += lonE[r]!;
      sPrice[a]! += price[r]!;
    }
  }

  addRun(t: RunTotals): void {
    const a = this.kind === 'districts' ? this.index.neighbourhoodDistrict[t.neighbourhood]! : t.neighbourhood;
    this.count[a]! += t.count;
    this.sLat[a]! += t.sLat;
    this.sLon[a]! += t.sLon;
    this.sPrice[a]! += t.sPrice;
  }

  addCell(cell: CellTotals): boolean {
    for (const s of cell[this.kind]) {
      this.count[s.area]! += s.count;
      this.sLat[s.area]! += s.sLat;
      this.sLon[s.area]! += s.sLon;
      this.sPrice[s.area]! += s.sPrice;
    }
    return true;
  }

  /** Each area's sums in degrees (what regions fold), areas with no match left out. */
  sums(): DistrictSums[] {
    const names = this.index[this.kind].names;
    const out: DistrictSums[] = [];
    for (let a = 0; a < names.length; a++) {
      const count = this.count[a]!;
      if (count === 0) continue;
      out.push({ key: names[a]!, count, sumLat: decodeLat(this.sLat[a]!), sumLon: decodeLon(this.sLon[a]!), sumPrice: this.sPrice[a]! });
    }
    return out;
  }

  buckets(): Bucket[] {
    const names = this.index[this.kind].names;
    const out: Bucket[] = [];
    for (let a = 0; a < names.length; a++) {
      const count = this.count[a]!;
      if (count === 0) continue;
      const key = names[a]!;
      const label = this.kind === 'districts' ? key : this.index.neighbourhoodName[a]!;
      out.push(bucket(key, label, { count, sLat: this.sLat[a]!, sLon: this.sLon[a]!, sPrice: this.sPrice[a]! }));
    }
    return out.sort(byCountThenKey);
  }
}

/**
 * Largest tile grid kept as dense arrays (2 MB); a screen needs a few hundred cells, and a
 * wider box (a world view at zoom 15) uses a map instead of allocating per request.
 */
const MAX_DENSE_TILES = 1 << 16;

/** Totals per geotile at one precision, keyed `precision/x/y` like `geotile_grid`. */
export class TileSink implements RowSink {
  private readonly side: number;
  private readonly cols;
  private readonly x0: number;
  private readonly y0: number;
  private readonly width: number;
  /** count, sLat, sLon, sPrice per tile, `(y - y0) * width + (x - x0)`. */
  private readonly dense: Float64Array[] | null;
  private readonly sparse = new Map<number, Sums>();

  constructor(
    index: IndexView,
    private readonly precision: number,
    [west, south, east, north]: Bbox,
  ) {
    this.side = 2 ** precision;
    this.cols = index.columns();
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
    this.dense = cells <= MAX_DENSE_TILES ? [0, 1, 2, 3].map(() => new Float64Array(cells)) : null;
  }

  addRows(rows: Int32Array, n: number): void {
    const { mx, my, latE, lonE, price } = this.cols;
    const side = this.side;
    if (this.dense) {
      const [count, sLat, sLon, sPrice] = this.dense as [Float64Array, Float64Array, Float64Array, Float64Array];
      const { x0, y0, width } = this;
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        // tileOf inlined: mercator values of stored rows are within [0, 1).
        const t = (Math.floor(my[r]! * side) - y0) * width + Math.floor(mx[r]! * side) - x0;
        count[t]!++;
        sLat[t]! += latE[r]!;
        sLon[t]! += lonE[r]!;
        sPrice[t]! += price[r]!;
      }
      return;
    }
    for (let i = 0; i < n; i++) {
      const r = rows[i]!;
      const s = this.sparseSums(tileOf(mx[r]!, this.precision), tileOf(my[r]!, this.precision));
      s.count++;
      s.sLat += latE[r]!;
      s.sLon += lonE[r]!;
      s.sPrice += price[r]!;
    }
  }

  addCell(cell: CellTotals): boolean {
    if (cell.z < this.precision) return false;
    const f = 2 ** (cell.z - this.precision);
    const x = Math.floor(cell.x / f);
    const y = Math.floor(cell.y / f);
    if (this.dense) {
      const t = (y - this.y0) * this.width + x - this.x0;
      this.dense[0]![t]! += cell.count;
      this.dense[1]![t]! += cell.sLat;
      this.dense[2]![t]! += cell.sLon;
      this.dense[3]![t]! += cell.sPrice;
      return true;
    }
    const s = this.sparseSums(x, y);
    s.count += cell.count;
    s.sLat += cell.sLat;
    s.sLon += cell.sLon;
    s.sPrice += cell.sPrice;
    return true;
  }

  private sparseSums(x: number, y: number): Sums {
    const k = x * this.side + y;
    let s = this.sparse.get(k);
    if (!s) {
      s = { count: 0, sLat: 0, sLon: 0, sPrice: 0 };
      this.sparse.set(k, s);
    }
    return s;
  }

  buckets(): Bucket[] {
    const out: Bucket[] = [];
    const key = (x: number, y: number) => `${this.precision}/${x}/${y}`;
    if (this.dense) {
      const [count, sLat, sLon, sPrice] = this.dense as [Float64Array, Float64Array, Float64Array, Float64Array];
      for (let t = 0; t < count.length; t++) {
        if (count[t] === 0) continue;
        const y = Math.floor(t / this.width);
        out.push(bucket(key(this.x0 + t - y * this.width, this.y0 + y), '', {
          count: count[t]!,
          sLat: sLat[t]!,
          sLon: sLon[t]!,
          sPrice: sPrice[t]!,
        }));
      }
    } else {
      for (const [k, s] of this.sparse) {
        if (s.count === 0) continue;
        const x = Math.floor(k / this.side);
        out.push(bucket(key(x, k - x * this.side), '', s));
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
