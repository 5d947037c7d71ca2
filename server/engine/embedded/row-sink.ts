import type { PriceUnit } from '../../contract/search-prices';

/** What the listing index hands an aggregation (a sink), and what a sink may read of it. */

/** Totals over a set of rows: count and sums of encoded coordinates and of prices. */
export interface Sums {
  count: number;
  sLat: number;
  sLon: number;
  sPrice: number;
}

/**
 * The totals of one district's or neighbourhood's rows of one price unit (by dictionary
 * id and unit code): prices of two currencies or periods are never summed together.
 */
export interface AreaSums extends Sums {
  area: number;
  unit: number;
}

/** A tile of the pyramid as a sink sees it: where it is and its live totals. */
export interface CellTotals extends Readonly<Sums> {
  readonly z: number;
  readonly x: number;
  readonly y: number;
  /** Per district and unit; a cell's own `sPrice` mixes units, so only its count and coordinates are used. */
  readonly districts: readonly Readonly<AreaSums>[];
  readonly neighbourhoods: readonly Readonly<AreaSums>[];
}

/** The totals of one price-sorted run's matching rows. */
export interface RunTotals extends Sums {
  neighbourhood: number;
  unit: number;
}

/** Receives matching rows, or whole cells whose totals it can use as they are. */
export interface RowSink {
  /** Takes `rows[0..count)`: matching rows, in batches. */
  addRows(rows: Int32Array, count: number): void;
  /** Takes a cell's pre-aggregated totals when it can; false makes the index look deeper. */
  addCell(cell: CellTotals): boolean;
  /** Takes the totals of a price-sorted run; absent: the sink needs single rows. */
  addRun?(totals: RunTotals): void;
}

/** The columns a sink reads rows by; valid until the index next changes. */
export interface SinkColumns {
  readonly latE: Int32Array;
  readonly lonE: Int32Array;
  readonly mx: Float64Array;
  readonly my: Float64Array;
  readonly price: Int32Array;
  readonly district: Uint16Array;
  readonly neighbourhood: Uint16Array;
  /** The price unit code of each row (IndexView.unitOf). */
  readonly unit: Uint16Array;
  readonly listedAt: Float64Array;
  /** The list's price-cut order reads these (core/price-cut). */
  readonly cutBp: Uint16Array;
  readonly cutAt: Int32Array;
}

/** What of the index a sink may read: the columns above and the area names. */
export interface IndexView {
  readonly districts: { readonly names: readonly string[] };
  /** Keyed by `district|neighbourhood`. */
  readonly neighbourhoods: { readonly names: readonly string[] };
  /** The district id of each neighbourhood id. */
  readonly neighbourhoodDistrict: readonly number[];
  /** The plain name of each neighbourhood id. */
  readonly neighbourhoodName: readonly string[];
  /** Unit codes run below this (a sink's per-unit arrays are this wide). */
  readonly unitCount: number;
  /** The currency and period of a unit code. */
  unitOf(code: number): PriceUnit;
  columns(): SinkColumns;
}
