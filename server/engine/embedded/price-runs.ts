import type { Predicate } from './filter-kernels';
import { lowerBound } from './lower-bound';
import { radixOrder } from './radix-order';
import type { RunTotals } from './row-sink';
import type { Cell } from './tile-pyramid';

/**
 * Rows of one neighbourhood, price unit, type and bedroom count inside a RUN_ZOOM cell,
 * sorted by price, as a range of the price layout: any price range is a sub-range, summed
 * from prefix sums. The unit keeps two currencies' prices out of one sum (a neighbourhood
 * has one unit almost always, so runs are no more numerous).
 */
export interface Run {
  neighbourhood: number;
  unit: number;
  type: number;
  beds: number;
  start: number;
  end: number;
}

/** The columns the runs are sorted and summed by. */
export interface RunColumns {
  readonly latE: Int32Array;
  readonly lonE: Int32Array;
  readonly price: Int32Array;
  readonly type: Uint8Array;
  readonly beds: Int8Array;
  readonly neighbourhood: Uint16Array;
  readonly unit: Uint16Array;
}

/**
 * The price layout: the base rows' prices ordered by (RUN_ZOOM cell, neighbourhood, type,
 * bedrooms, price), with prefix sums, so a filtered area view adds up each covered cell's
 * matching runs by binary search instead of reading rows.
 */
export class PriceRuns {
  private constructor(
    private readonly price: Int32Array,
    /** Prefix sums over the layout: element i sums its first i rows. */
    private readonly sumLat: Float64Array,
    private readonly sumLon: Float64Array,
    private readonly sumPrice: Float64Array,
  ) {}

  static empty(): PriceRuns {
    return new PriceRuns(new Int32Array(0), new Float64Array(1), new Float64Array(1), new Float64Array(1));
  }

  /** Sorts each cell's rows (`n` base rows in all) into runs, setting `cell.runs`. */
  static build(cells: Cell[], n: number, cols: RunColumns): PriceRuns {
    const { runs, perCell } = PriceRuns.group(cells, null, n, cols);
    cells.forEach((cell, i) => (cell.runs = perCell[i]!));
    return runs;
  }

  /**
   * The runs of some base rows only (`rows`, ascending: a keyword's), each cell's in
   * `perCell` by the cell's place in `cells`: a filtered area view with a keyword then adds
   * runs, not the word's rows one by one (a common word holds a tenth of ten million).
   */
  static buildFor(cells: Cell[], rows: Int32Array, cols: RunColumns): { runs: PriceRuns; perCell: Run[][] } {
    return PriceRuns.group(cells, rows, rows.length, cols);
  }

  /** Element i is row `rows[i]` (or row i): ordered by (cell, neighbourhood, type, bedrooms, price) and cut into runs. */
  private static group(cells: Cell[], rows: Int32Array | null, n: number, cols: RunColumns): { runs: PriceRuns; perCell: Run[][] } {
    const row = rows ? (i: number) => rows[i]! : (i: number) => i;
    const priceKey = new Float64Array(n);
    const groupKey = new Float64Array(n);
    const unitKey = new Float64Array(n);
    const cellKey = new Float64Array(n);
    // Rows ascend and cells hold ascending ranges: one pass pairs them.
    let c = 0;
    for (let i = 0; i < n; i++) {
      const r = row(i);
      while (c < cells.length - 1 && r >= cells[c]!.end) c++;
      cellKey[i] = c;
      priceKey[i] = cols.price[r]!;
      // Bedrooms -1 (unknown) to 127 as 0 to 128.
      groupKey[i] = (cols.neighbourhood[r]! * 4 + cols.type[r]!) * 129 + cols.beds[r]! + 1;
      unitKey[i] = cols.unit[r]!;
    }
    // Least significant key first; each pass is stable. The unit is its own one-pass key
    // (codes below 4096): the group key already fills its three passes.
    let order = radixOrder(priceKey, 3);
    order = radixOrder(groupKey, 3, order);
    order = radixOrder(unitKey, 1, order);
    order = radixOrder(cellKey, 2, order);
    const price = new Int32Array(n);
    const sumLat = new Float64Array(n + 1);
    const sumLon = new Float64Array(n + 1);
    const sumPrice = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const r = row(order[i]!);
      price[i] = cols.price[r]!;
      sumLat[i + 1] = sumLat[i]! + cols.latE[r]!;
      sumLon[i + 1] = sumLon[i]! + cols.lonE[r]!;
      sumPrice[i + 1] = sumPrice[i]! + cols.price[r]!;
    }
    const perCell: Run[][] = cells.map(() => []);
    for (let i = 0; i < n; ) {
      const o = order[i]!;
      const cell = cellKey[o]!;
      const group = groupKey[o]!;
      const unit = unitKey[o]!;
      let end = i + 1;
      while (end < n && groupKey[order[end]!] === group && unitKey[order[end]!] === unit && cellKey[order[end]!] === cell) end++;
      const r = row(o);
      perCell[cell]!.push({ neighbourhood: cols.neighbourhood[r]!, unit, type: cols.type[r]!, beds: cols.beds[r]!, start: i, end });
      i = end;
    }
    return { runs: new PriceRuns(price, sumLat, sumLon, sumPrice), perCell };
  }

  /** The layout and each cell's runs as flat arrays, for a snapshot (cells by their order in `cells`). */
  parts(cells: Cell[]): PriceRunsParts {
    let count = 0;
    for (const c of cells) count += c.runs?.length ?? 0;
    const runs = { cell: new Int32Array(count), neighbourhood: new Int32Array(count), unit: new Uint16Array(count), type: new Uint8Array(count), beds: new Int8Array(count), start: new Int32Array(count), end: new Int32Array(count) };
    let k = 0;
    cells.forEach((c, ordinal) => {
      for (const r of c.runs ?? []) {
        runs.cell[k] = ordinal;
        runs.neighbourhood[k] = r.neighbourhood;
        runs.unit[k] = r.unit;
        runs.type[k] = r.type;
        runs.beds[k] = r.beds;
        runs.start[k] = r.start;
        runs.end[k] = r.end;
        k++;
      }
    });
    return { price: this.price, sumLat: this.sumLat, sumLon: this.sumLon, sumPrice: this.sumPrice, cells: cells.length, runs };
  }

  /**
   * The runs `parts` wrote, given back to the same cells (the pyramid made again from the
   * same sorted rows): sorting ten million prices again was a third of reading a snapshot.
   */
  static fromParts(cells: Cell[], p: PriceRunsParts): PriceRuns {
    if (p.cells !== cells.length) throw new Error(`price runs of ${p.cells} cells, the pyramid has ${cells.length}`);
    for (const c of cells) c.runs = [];
    const { runs } = p;
    for (let k = 0; k < runs.cell.length; k++) {
      cells[runs.cell[k]!]!.runs!.push({ neighbourhood: runs.neighbourhood[k]!, unit: runs.unit[k]!, type: runs.type[k]!, beds: runs.beds[k]!, start: runs.start[k]!, end: runs.end[k]! });
    }
    return new PriceRuns(p.price, p.sumLat, p.sumLon, p.sumPrice);
  }

  /** Hands the sink the totals of each run's rows that pass the filters, from prefix sums. */
  addRuns(runs: Run[], pred: Predicate, sink: { addRun(totals: RunTotals): void }): void {
    const { price, sumLat, sumLon, sumPrice } = this;
    for (const run of runs) {
      if (((pred.typeMask >> run.type) & 1) === 0 || run.beds < pred.bedsMin) continue;
      const a = lowerBound(price, run.start, run.end, pred.priceMin);
      const b = lowerBound(price, a, run.end, pred.priceMax + 1);
      if (a === b) continue;
      sink.addRun({
        neighbourhood: run.neighbourhood,
        unit: run.unit,
        count: b - a,
        sLat: sumLat[b]! - sumLat[a]!,
        sLon: sumLon[b]! - sumLon[a]!,
        sPrice: sumPrice[b]! - sumPrice[a]!,
      });
    }
  }
}

/** PriceRuns as arrays (PriceRuns.parts). */
export interface PriceRunsParts {
  price: Int32Array;
  sumLat: Float64Array;
  sumLon: Float64Array;
  sumPrice: Float64Array;
  /** How many run cells the pyramid had. */
  cells: number;
  runs: { cell: Int32Array; neighbourhood: Int32Array; unit: Uint16Array; type: Uint8Array; beds: Int8Array; start: Int32Array; end: Int32Array };
}
