/**
 * Every per-row column of the listing index, once: its element type here is all that
 * append, grow and permute need, so a new column is one line below and one value in the
 * row the index appends (the compiler names it if missing).
 */
const COLUMN_TYPES = {
  /** Lucene-encoded latitude and longitude: what every bbox and cell test compares. */
  latE: Int32Array,
  lonE: Int32Array,
  /** The coordinates as given, for the API's answer. */
  lat: Float64Array,
  lon: Float64Array,
  /** Web Mercator x and y in [0, 1] of the encoded point, for tiling. */
  mx: Float64Array,
  my: Float64Array,
  price: Int32Array,
  /** TYPE_CODE of the listing type. */
  type: Uint8Array,
  /** Bedrooms up to 127, NO_BEDROOMS when unknown. */
  beds: Int8Array,
  /** Bathrooms in half steps (3 = 1.5) up to 127, NO_COUNT when unknown. */
  baths: Int8Array,
  /** Guests up to 127, NO_COUNT when unknown. */
  guests: Int8Array,
  /** core/amenities' mask of the listing's amenities. */
  amenities: Uint16Array,
  /** The last price change's cut in basis points (core/price-cut). */
  cutBp: Uint16Array,
  /** When that change was, in minutes since the epoch; NO_COUNT when the price never changed or last rose. */
  cutAt: Int32Array,
  /** Dictionary ids. */
  district: Uint16Array,
  neighbourhood: Uint16Array,
  /** The price unit: currency code × PRICE_PERIODS.length + period code (ListingIndex.unitOf). */
  unit: Uint16Array,
  listedAt: Float64Array,
  updatedAt: Float64Array,
  /** 0 once the row's listing changed (it moved to a new row) or went away. */
  alive: Uint8Array,
  /** The listing's slot, where its strings live. */
  rowSlot: Int32Array,
} as const;

type ColumnTypes = typeof COLUMN_TYPES;
export type ColumnName = keyof ColumnTypes;
export type Columns = { [K in ColumnName]: InstanceType<ColumnTypes[K]> };
/** One row's value in every column. */
export type RowValues = Record<ColumnName, number>;
type Column = Columns[ColumnName];

/** Every column's name, in the table's order (a snapshot writes them in it). */
export const COLUMN_NAMES = Object.keys(COLUMN_TYPES) as ColumnName[];
const NAMES = COLUMN_NAMES;

/** A new column of `name`'s element type. */
export function newColumn<K extends ColumnName>(name: K, capacity: number): Columns[K] {
  return new COLUMN_TYPES[name](capacity) as Columns[K];
}

/*
 * Writes a row into every column, made from the table once. A loop over the names does the
 * same with one store site seeing every array kind: megamorphic, it added 0.9 s to loading
 * 1M listings (3.6 s against 2.7 s, measured); one store per column here stays monomorphic.
 * The names are the table's own identifiers, never input.
 */
const writeRow = new Function('c', 'row', 'v', NAMES.map((n) => `c.${n}[row] = v.${n};`).join('\n')) as (c: Columns, row: number, v: RowValues) => void;

/*
 * Gathers `a[perm[i]]` into a new column, one function per element type: a single generic
 * one sees five array kinds, goes megamorphic, and measured several times slower.
 */
function gatherI32(a: Int32Array, perm: Int32Array, capacity: number) {
  const b = new Int32Array(capacity);
  for (let i = 0; i < perm.length; i++) b[i] = a[perm[i]!]!;
  return b;
}
function gatherF64(a: Float64Array, perm: Int32Array, capacity: number) {
  const b = new Float64Array(capacity);
  for (let i = 0; i < perm.length; i++) b[i] = a[perm[i]!]!;
  return b;
}
function gatherU8(a: Uint8Array, perm: Int32Array, capacity: number) {
  const b = new Uint8Array(capacity);
  for (let i = 0; i < perm.length; i++) b[i] = a[perm[i]!]!;
  return b;
}
function gatherI8(a: Int8Array, perm: Int32Array, capacity: number) {
  const b = new Int8Array(capacity);
  for (let i = 0; i < perm.length; i++) b[i] = a[perm[i]!]!;
  return b;
}
function gatherU16(a: Uint16Array, perm: Int32Array, capacity: number) {
  const b = new Uint16Array(capacity);
  for (let i = 0; i < perm.length; i++) b[i] = a[perm[i]!]!;
  return b;
}

function gather(a: Column, perm: Int32Array, capacity: number): Column {
  if (a instanceof Int32Array) return gatherI32(a, perm, capacity);
  if (a instanceof Float64Array) return gatherF64(a, perm, capacity);
  if (a instanceof Uint8Array) return gatherU8(a, perm, capacity);
  if (a instanceof Int8Array) return gatherI8(a, perm, capacity);
  return gatherU16(a, perm, capacity);
}

function emptyColumns(capacity: number): Columns {
  const out = {} as Record<ColumnName, Column>;
  for (const name of NAMES) out[name] = new COLUMN_TYPES[name](capacity);
  return out as Columns;
}

/**
 * The rows as flat typed columns (struct of arrays): a million rows fit in about 200 MB
 * and a scan touches only the columns a query needs. Rows are appended; a permutation
 * (the index's re-sort) writes them out anew in its order, dropping the rest.
 */
export class ListingColumns {
  /** The arrays; replaced whole when they grow or are permuted, so read them anew after a change. */
  cols: Columns = emptyColumns(0);
  private capacity = 0;
  private rows = 0;

  get size(): number {
    return this.rows;
  }

  /** Appends a row and returns its number. */
  append(values: RowValues): number {
    // An eighth more, not double: doubling ten million rows' columns to make room for one
    // more row would ask for another 700 MB at once.
    if (this.rows === this.capacity) this.grow(Math.max(1024, this.capacity + (this.capacity >> 3)));
    const row = this.rows++;
    writeRow(this.cols, row, values);
    return row;
  }

  /** Keeps rows `perm[0], perm[1], …` as rows 0, 1, …, with room for `capacity`. */
  permute(perm: Int32Array, capacity: number): void {
    const out = {} as Record<ColumnName, Column>;
    for (const name of NAMES) out[name] = gather(this.cols[name], perm, capacity);
    this.cols = out as Columns;
    this.capacity = capacity;
    this.rows = perm.length;
  }

  /** Takes columns read from a snapshot: rows 0..rows of each hold data, the rest is room. */
  adopt(cols: Columns, rows: number): void {
    const capacity = cols.alive.length;
    for (const name of NAMES) if (cols[name].length !== capacity) throw new Error(`column ${name} holds ${cols[name].length} rows, not ${capacity}`);
    this.cols = cols;
    this.capacity = capacity;
    this.rows = rows;
  }

  private grow(capacity: number): void {
    const out = emptyColumns(capacity);
    for (const name of NAMES) (out[name] as Column).set(this.cols[name].subarray(0, this.rows) as never);
    this.cols = out;
    this.capacity = capacity;
  }
}
