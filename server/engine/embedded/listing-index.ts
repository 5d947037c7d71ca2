import {
  decodeLat,
  decodeLon,
  encodeLat,
  encodeLon,
  mercatorX,
  mercatorY,
  tileLat,
  tileLon,
  tileOf,
} from '../../core/geotile';
import { currencyOf, LISTING_TYPES, pricePerOf, type Listing, type ListingRecord, type ListingType, type PricePer } from '../../core/listing';
import { BOX_INSIDE, BOX_OUTSIDE, boxInRing, pointInRing } from '../../core/polygon';
import type { Bbox, Filters, Ring } from '../search-engine';
import { TextIndex } from './text-index';

/**
 * Rows are sorted in Z-order of their geotile at this zoom, so every tile at this zoom or
 * any coarser one is a contiguous run of rows. 17 matches the finest cluster precision
 * (zoom 15 + 2), so pre-aggregated cells serve every cluster view.
 */
const GRID_ZOOM = 17;
/**
 * Cells at this zoom also keep their rows sorted by neighbourhood, type and price with
 * prefix sums, so a filtered district or neighbourhood view answers each covered cell by
 * binary search instead of a scan. 11 is on the pyramid (17 − 3 × 2) and is about
 * 20 km wide: a city is a handful of them.
 */
const RUN_ZOOM = 11;
/** Each pyramid level is this many zooms above the next: 4 × 4 = 16 children per cell. */
const PYRAMID_STEP = 2;
/** Rows appended since the last sort are scanned on every query; re-sort past this many. */
const MIN_TAIL_BEFORE_REBUILD = 20_000;
/** Unknown bedroom count: below any `bedsMin`, so the filter's arithmetic excludes it. */
const NO_BEDROOMS = -1;
/** Rows filtered per batch before the sink aggregates them. */
const MATCH_BATCH = 16_384;
/** Keyword row sets kept between searches: a few renters' keywords at a time. */
const WORD_ROWS_KEPT = 8;
const ENCODED_MAX = 2 ** 31 - 1;
/**
 * Open price bound. Within V8's small-integer range (±2^30) on purpose: a larger bound
 * makes the predicate's fields heap doubles and the filter loop measured 2× slower.
 * Prices never exceed MAX_PRICE (1e8), far below it.
 */
const PRICE_CEILING = 2 ** 30 - 1;
const ENCODED_MIN = -(2 ** 31);

/** Totals over a set of rows: count and sums of encoded coordinates and of prices. */
export interface Sums {
  count: number;
  sLat: number;
  sLon: number;
  sPrice: number;
}

interface AreaSums extends Sums {
  area: number;
}

/** A tile of the pyramid: a contiguous row range of the sorted base and its live totals. */
export interface Cell extends Sums {
  z: number;
  x: number;
  y: number;
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

/**
 * Rows of one neighbourhood, type and bedroom count inside a RUN_ZOOM cell, sorted by price, as a
 * range of the price layout: any price range is a sub-range, summed from prefix sums.
 */
export interface Run {
  neighbourhood: number;
  type: number;
  beds: number;
  start: number;
  end: number;
}

/** What the price layout gives a sink for one run: the totals of its matching rows. */
export interface RunTotals extends Sums {
  neighbourhood: number;
}

/** A bbox that does not cross the antimeridian, with its Lucene-encoded inclusive bounds. */
interface Box {
  latMin: number;
  latMax: number;
  lonMin: number;
  lonMax: number;
}

/** Filters compiled to column tests. */
interface Predicate {
  any: boolean;
  priceMin: number;
  priceMax: number;
  typeMask: number;
  bedsMin: number;
}

/** Receives matching rows, or whole cells whose totals it can use as they are. */
export interface RowSink {
  /** Takes `rows[0..count)`: matching rows, in batches. */
  addRows(rows: Int32Array, count: number): void;
  /** Takes a cell's pre-aggregated totals when it can; false makes the index look deeper. */
  addCell(cell: Cell): boolean;
  /** Takes the totals of a price-sorted run; absent: the sink needs single rows. */
  addRun?(totals: RunTotals): void;
}

const TYPE_CODE: Record<ListingType, number> = { entire: 0, private: 1, shared: 2 };

/** A name ↔ small-integer dictionary, so area columns are 16-bit. */
class Dictionary {
  readonly names: string[] = [];
  private readonly ids = new Map<string, number>();
  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      if (id > 0xffff) throw new Error('more than 65,536 distinct area names');
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }
}

/**
 * Listings as flat typed columns (struct of arrays): a million rows fit in about 200 MB
 * and a city-wide scan touches only the columns a query needs. The sorted base carries a
 * pyramid of tiles with live totals, so an unfiltered view adds up cell totals instead of
 * rows; changes append to an unsorted tail that is folded in by a periodic re-sort.
 */
export class ListingIndex {
  readonly districts = new Dictionary();
  /** Keyed by `district|neighbourhood`: the same neighbourhood name occurs in two districts. */
  readonly neighbourhoods = new Dictionary();
  readonly neighbourhoodDistrict: number[] = [];
  /** The plain name of each neighbourhood id (its key without the district). */
  readonly neighbourhoodName: string[] = [];

  private capacity = 0;
  private size = 0;
  private baseCount = 0;
  private liveCount = 0;
  private latE: Int32Array = new Int32Array(0);
  private lonE: Int32Array = new Int32Array(0);
  private lat: Float64Array = new Float64Array(0);
  private lon: Float64Array = new Float64Array(0);
  private mx: Float64Array = new Float64Array(0);
  private my: Float64Array = new Float64Array(0);
  private price: Int32Array = new Int32Array(0);
  private type: Uint8Array = new Uint8Array(0);
  private beds: Int8Array = new Int8Array(0);
  private district: Uint16Array = new Uint16Array(0);
  private neighbourhood: Uint16Array = new Uint16Array(0);
  private listedAt: Float64Array = new Float64Array(0);
  private updatedAt: Float64Array = new Float64Array(0);
  private alive: Uint8Array = new Uint8Array(0);
  /*
   * Each listing keeps one slot for life; its row moves on every re-sort. Strings live by
   * slot and never move; slot → row is a typed array rewritten on a re-sort, which
   * measured far cheaper than re-keying a million-entry map of ids.
   */
  private slotOf = new Map<string, number>();
  private ids: string[] = [];
  private titles: string[] = [];
  /** By slot, interned: a city has one or two currencies, so each is one shared string. */
  private currencies: string[] = [];
  private periods: PricePer[] = [];
  /** Words of each slot's title and description, for the keyword filter. */
  readonly text = new TextIndex();
  private freeSlots: number[] = [];
  private isoTimes: ([string, string] | undefined)[] = [];
  private slotRow: Int32Array = new Int32Array(0);
  private rowSlot: Int32Array = new Int32Array(0);
  private readonly matches = new Int32Array(MATCH_BATCH);
  private leafOfRow: Int32Array = new Int32Array(0);
  private leaves: Cell[] = [];
  /** The price layout: prices of base rows ordered by (RUN_ZOOM cell, neighbourhood, type, bedrooms, price). */
  private runPrice: Int32Array = new Int32Array(0);
  /** Prefix sums over the price layout: element i sums its first i rows. */
  private runSumLat: Float64Array = new Float64Array(1);
  private runSumLon: Float64Array = new Float64Array(1);
  private runSumPrice: Float64Array = new Float64Array(1);
  private roots: Cell[] = [];
  /** Bumped by every change of rows (a write moves a listing to a new row, a rebuild moves all). */
  private version = 0;
  private readonly wordRows = new Map<string, { version: number; rows: Int32Array }>();

  get count(): number {
    return this.liveCount;
  }

  /** Loads many records at once, then sorts: the start-up path. */
  load(records: Iterable<ListingRecord>): void {
    for (const r of records) this.upsert(r, false);
    this.rebuild();
  }

  upsert(r: ListingRecord, maybeRebuild = true): void {
    this.version++;
    let slot = this.slotOf.get(r.id);
    if (slot !== undefined) {
      this.kill(this.slotRow[slot]!);
    } else {
      slot = this.freeSlots.pop() ?? this.ids.length;
      this.slotOf.set(r.id, slot);
      this.ids[slot] = r.id;
    }
    this.titles[slot] = r.title;
    this.currencies[slot] = currencyOf(r);
    this.periods[slot] = pricePerOf(r);
    this.text.put(slot, r.title, r.description);
    this.isoTimes[slot] = undefined;
    const row = this.append(r, slot);
    if (slot >= this.slotRow.length) {
      const grown = new Int32Array(Math.max(1024, this.slotRow.length * 2));
      grown.set(this.slotRow);
      this.slotRow = grown;
    }
    this.slotRow[slot] = row;
    this.liveCount++;
    if (maybeRebuild) this.maybeRebuild();
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.version++;
    this.kill(this.slotRow[slot]!);
    this.slotOf.delete(id);
    this.text.remove(slot);
    this.titles[slot] = '';
    this.isoTimes[slot] = undefined;
    this.freeSlots.push(slot);
    return true;
  }

  get(id: string): Listing | null {
    const slot = this.slotOf.get(id);
    return slot === undefined ? null : this.listing(this.slotRow[slot]!);
  }

  /** The id of the listing in a row. */
  idAt(row: number): string {
    return this.ids[this.rowSlot[row]!]!;
  }

  /**
   * The listing in a row as the API shows it. Its ISO times are made on first use and
   * kept per slot: formatting two dates per pin was the largest cost of a street view,
   * and formatting all at start cost 4 s and 200 MB at 1M listings.
   */
  listing(row: number): Listing {
    const slot = this.rowSlot[row]!;
    let times = this.isoTimes[slot];
    if (times === undefined) {
      const listed = new Date(this.listedAt[row]!).toISOString();
      const updated = this.updatedAt[row] === this.listedAt[row] ? listed : new Date(this.updatedAt[row]!).toISOString();
      times = [listed, updated];
      this.isoTimes[slot] = times;
    }
    const b = this.beds[row]!;
    const out: Listing = {
      id: this.ids[slot]!,
      title: this.titles[slot]!,
      lat: this.lat[row]!,
      lon: this.lon[row]!,
      price: this.price[row]!,
      currency: this.currencies[slot]!,
      pricePer: this.periods[slot]!,
      type: LISTING_TYPES[this.type[row]!]!,
      district: this.districts.names[this.district[row]!]!,
      neighbourhood: this.neighbourhoodName[this.neighbourhood[row]!]!,
      listedAt: times[0],
      updatedAt: times[1],
    };
    if (b !== NO_BEDROOMS) out.bedrooms = b;
    return out;
  }

  /** Column accessors the engine's sinks read in their loops. */
  columns() {
    return {
      latE: this.latE,
      lonE: this.lonE,
      mx: this.mx,
      my: this.my,
      price: this.price,
      district: this.district,
      neighbourhood: this.neighbourhood,
      listedAt: this.listedAt,
    };
  }

  /**
   * Feeds every live row inside `bbox` that passes `filters` to the sink. With
   * `useCells`, unfiltered queries take whole cells' totals where the sink accepts them.
   */
  scan(bbox: Bbox, filters: Filters, sink: RowSink, useCells: boolean, ring: Ring | null = null): void {
    const pred = compileFilters(filters);
    const cells = useCells && !pred.any;
    for (const box of splitBbox(bbox)) {
      for (const root of this.roots) this.visit(root, box, pred, sink, cells, ring);
      this.scanRows(this.baseCount, this.size, box, pred, sink, true, ring);
    }
  }

  /**
   * The rows of the listings whose text holds every word, in storage order; the last few
   * word sets are kept until the index next changes, so a renter panning with a keyword
   * pays for the words once.
   */
  rowsWithWords(words: readonly string[]): Int32Array {
    const key = words.join(' ');
    const hit = this.wordRows.get(key);
    if (hit && hit.version === this.version) return hit.rows;
    const rows = this.inStorageOrder(this.text.match(words));
    this.wordRows.delete(key);
    this.wordRows.set(key, { version: this.version, rows });
    if (this.wordRows.size > WORD_ROWS_KEPT) this.wordRows.delete(this.wordRows.keys().next().value!);
    return rows;
  }

  /**
   * Feeds the given rows (ascending) that lie inside `bbox` and the ring and pass `filters`
   * to the sink. The pyramid narrows them: each cell's rows are a range of the sorted base,
   * so a cell's share of the set is found by binary search and cells outside the box or
   * the ring cost nothing, however many rows the set holds elsewhere.
   */
  scanRowSet(rows: Int32Array, bbox: Bbox, filters: Filters, sink: RowSink, ring: Ring | null = null): void {
    const pred = compileFilters(filters);
    const tail = lowerBound(rows, 0, rows.length, this.baseCount);
    for (const box of splitBbox(bbox)) {
      for (const root of this.roots) {
        const lo = lowerBound(rows, 0, tail, root.start);
        this.visitSet(root, rows, lo, lowerBound(rows, lo, tail, root.end), box, pred, sink, ring);
      }
      this.filterSet(rows, tail, rows.length, box, pred, sink, ring);
    }
  }

  private visitSet(cell: Cell, rows: Int32Array, lo: number, hi: number, box: Box, pred: Predicate, sink: RowSink, ring: Ring | null): void {
    if (lo === hi) return;
    const place = placeOf(cell, box, ring);
    if (place === null) return;
    const { inside } = place;
    ring = place.ring;
    if ((inside && !ring) || cell.children === null) {
      this.filterSet(rows, lo, hi, box, pred, sink, ring);
      return;
    }
    for (const child of cell.children) {
      const a = lowerBound(rows, lo, hi, child.start);
      const b = lowerBound(rows, a, hi, child.end);
      this.visitSet(child, rows, a, b, box, pred, sink, ring);
    }
  }

  private filterSet(rows: Int32Array, from: number, to: number, box: Box, pred: Predicate, sink: RowSink, ring: Ring | null): void {
    const { alive, latE, lonE, price, type, beds } = this;
    const cols: FilterColumns = { alive, latE, lonE, price, type, beds };
    for (let start = from; start < to; start += MATCH_BATCH) {
      const end = Math.min(to, start + MATCH_BATCH);
      let n = filterListInBox(cols, rows, start, end, box, pred, this.matches);
      if (ring) n = keepInRing(this.matches, n, latE, lonE, ring);
      if (n > 0) sink.addRows(this.matches, n);
    }
  }

  private rowMarks = new Uint8Array(0);

  /**
   * The slots' rows, ascending. Many matches are put in order by one pass over a mark per
   * row (100,000 of a million: 2.2 ms against 5.7 ms for a sort, measured); few are sorted.
   */
  private inStorageOrder(slots: Int32Array): Int32Array {
    const rows = new Int32Array(slots.length);
    const { slotRow } = this;
    if (slots.length * 32 < this.alive.length) {
      for (let i = 0; i < slots.length; i++) rows[i] = slotRow[slots[i]!]!;
      return rows.sort();
    }
    if (this.rowMarks.length < this.alive.length) this.rowMarks = new Uint8Array(this.alive.length);
    const marks = this.rowMarks;
    for (let i = 0; i < slots.length; i++) marks[slotRow[slots[i]!]!] = 1;
    let n = 0;
    for (let r = 0; r < marks.length && n < rows.length; r++) {
      if (marks[r] === 1) {
        marks[r] = 0;
        rows[n++] = r;
      }
    }
    return rows;
  }

  /**
   * One cell against the box and, while the cell crosses it, the drawn ring: a cell wholly
   * inside the ring is then treated as if there were none (its totals usable), one wholly
   * outside is skipped, and only the rows of crossing leaves are tested point by point.
   */
  private visit(cell: Cell, box: Box, pred: Predicate, sink: RowSink, useCells: boolean, ring: Ring | null): void {
    if (cell.count === 0) return;
    const place = placeOf(cell, box, ring);
    if (place === null) return;
    const { inside } = place;
    ring = place.ring;
    if (ring) {
      if (cell.children === null) {
        this.scanRows(cell.start, cell.end, box, pred, sink, !inside, ring);
        return;
      }
    } else if (inside) {
      if (useCells && sink.addCell(cell)) return;
      const runsBelow = sink.addRun !== undefined && pred.any && cell.z < RUN_ZOOM;
      if (cell.runs && !cell.dirty && sink.addRun && pred.any) {
        this.addRuns(cell.runs, pred, sink);
        return;
      }
      if ((!useCells && !runsBelow) || cell.children === null) {
        // The whole run lies in the box: only the filters need testing.
        this.scanRows(cell.start, cell.end, box, pred, sink, false);
        return;
      }
    } else if (cell.children === null) {
      this.scanRows(cell.start, cell.end, box, pred, sink, true);
      return;
    }
    for (const child of cell.children!) this.visit(child, box, pred, sink, useCells, ring);
  }

  /**
   * Filters a row range into a buffer and hands the buffer to the sink: two tight loops,
   * each monomorphic, measured faster than one loop calling the sink per row.
   */
  private scanRows(from: number, to: number, box: Box, pred: Predicate, sink: RowSink, testBox: boolean, ring: Ring | null = null): void {
    const { alive, latE, lonE, price, type, beds } = this;
    const cols: FilterColumns = { alive, latE, lonE, price, type, beds };
    for (let start = from; start < to; start += MATCH_BATCH) {
      const end = Math.min(to, start + MATCH_BATCH);
      let n = testBox ? filterInBox(cols, start, end, box, pred, this.matches) : filterAll(cols, start, end, pred, this.matches);
      if (ring) n = keepInRing(this.matches, n, latE, lonE, ring);
      if (n > 0) sink.addRows(this.matches, n);
    }
  }

  /** Sorts each run cell's rows by (neighbourhood, type, bedrooms, price) and sums them up. */
  private buildRuns(cells: Cell[]): void {
    const n = this.baseCount;
    const priceKey = new Float64Array(n);
    const groupKey = new Float64Array(n);
    const cellKey = new Float64Array(n);
    cells.forEach((cell, ordinal) => {
      for (let r = cell.start; r < cell.end; r++) cellKey[r] = ordinal;
    });
    for (let r = 0; r < n; r++) {
      priceKey[r] = this.price[r]!;
      // Bedrooms -1 (unknown) to 127 as 0 to 128.
      groupKey[r] = (this.neighbourhood[r]! * 4 + this.type[r]!) * 129 + this.beds[r]! + 1;
    }
    // Least significant key first; each pass is stable.
    let order = radixOrder(priceKey, 3);
    order = radixOrder(groupKey, 3, order);
    order = radixOrder(cellKey, 2, order);
    this.runPrice = new Int32Array(n);
    this.runSumLat = new Float64Array(n + 1);
    this.runSumLon = new Float64Array(n + 1);
    this.runSumPrice = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const r = order[i]!;
      this.runPrice[i] = this.price[r]!;
      this.runSumLat[i + 1] = this.runSumLat[i]! + this.latE[r]!;
      this.runSumLon[i + 1] = this.runSumLon[i]! + this.lonE[r]!;
      this.runSumPrice[i + 1] = this.runSumPrice[i]! + this.price[r]!;
    }
    for (const cell of cells) cell.runs = [];
    for (let i = 0; i < n; ) {
      const r = order[i]!;
      const cell = cells[cellKey[r]!]!;
      const group = groupKey[r]!;
      let end = i + 1;
      while (end < n && groupKey[order[end]!] === group && cellKey[order[end]!] === cellKey[r]) end++;
      cell.runs!.push({ neighbourhood: this.neighbourhood[r]!, type: this.type[r]!, beds: this.beds[r]!, start: i, end });
      i = end;
    }
  }

  /** Totals of each matching run's rows within the price range, from prefix sums. */
  private addRuns(runs: Run[], pred: Predicate, sink: RowSink): void {
    const { runPrice, runSumLat, runSumLon, runSumPrice } = this;
    for (const run of runs) {
      if (((pred.typeMask >> run.type) & 1) === 0 || run.beds < pred.bedsMin) continue;
      const a = lowerBound(runPrice, run.start, run.end, pred.priceMin);
      const b = lowerBound(runPrice, a, run.end, pred.priceMax + 1);
      if (a === b) continue;
      sink.addRun!({
        neighbourhood: run.neighbourhood,
        count: b - a,
        sLat: runSumLat[b]! - runSumLat[a]!,
        sLon: runSumLon[b]! - runSumLon[a]!,
        sPrice: runSumPrice[b]! - runSumPrice[a]!,
      });
    }
  }

  private append(r: ListingRecord, slot: number): number {
    if (this.size === this.capacity) this.grow(Math.max(1024, this.capacity * 2));
    const row = this.size++;
    const latE = encodeLat(r.lat);
    const lonE = encodeLon(r.lon);
    this.latE[row] = latE;
    this.lonE[row] = lonE;
    this.lat[row] = r.lat;
    this.lon[row] = r.lon;
    this.mx[row] = mercatorX(decodeLon(lonE));
    this.my[row] = mercatorY(decodeLat(latE));
    this.price[row] = r.price;
    this.type[row] = TYPE_CODE[r.type];
    this.beds[row] = r.bedrooms === null ? NO_BEDROOMS : Math.min(r.bedrooms, 127);
    const d = this.districts.id(r.district);
    const n = this.neighbourhoods.id(`${r.district}|${r.neighbourhood}`);
    this.neighbourhoodDistrict[n] = d;
    this.neighbourhoodName[n] = r.neighbourhood;
    this.district[row] = d;
    this.neighbourhood[row] = n;
    this.listedAt[row] = r.listedAt;
    this.updatedAt[row] = r.updatedAt;
    this.alive[row] = 1;
    this.rowSlot[row] = slot;
    return row;
  }

  private kill(row: number): void {
    if (this.alive[row] === 0) return;
    this.alive[row] = 0;
    this.liveCount--;
    if (row >= this.baseCount) return;
    const latE = this.latE[row]!;
    const lonE = this.lonE[row]!;
    const p = this.price[row]!;
    const d = this.district[row]!;
    const n = this.neighbourhood[row]!;
    for (let cell: Cell | null = this.leaves[this.leafOfRow[row]!]!; cell; cell = cell.parent) {
      cell.dirty = true;
      subtract(cell, latE, lonE, p);
      subtract(cell.districts.find((a) => a.area === d)!, latE, lonE, p);
      subtract(cell.neighbourhoods.find((a) => a.area === n)!, latE, lonE, p);
    }
  }

  private maybeRebuild(): void {
    const tail = this.size - this.baseCount;
    if (tail > Math.max(MIN_TAIL_BEFORE_REBUILD, this.baseCount / 8)) this.rebuild();
  }

  private grow(capacity: number): void {
    const copy = <T extends Int32Array | Float64Array | Uint8Array | Int8Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(capacity);
      b.set(a.subarray(0, this.size) as never);
      return b;
    };
    this.latE = copy(this.latE, (n) => new Int32Array(n));
    this.lonE = copy(this.lonE, (n) => new Int32Array(n));
    this.lat = copy(this.lat, (n) => new Float64Array(n));
    this.lon = copy(this.lon, (n) => new Float64Array(n));
    this.mx = copy(this.mx, (n) => new Float64Array(n));
    this.my = copy(this.my, (n) => new Float64Array(n));
    this.price = copy(this.price, (n) => new Int32Array(n));
    this.type = copy(this.type, (n) => new Uint8Array(n));
    this.beds = copy(this.beds, (n) => new Int8Array(n));
    this.district = copy(this.district, (n) => new Uint16Array(n));
    this.neighbourhood = copy(this.neighbourhood, (n) => new Uint16Array(n));
    this.listedAt = copy(this.listedAt, (n) => new Float64Array(n));
    this.updatedAt = copy(this.updatedAt, (n) => new Float64Array(n));
    this.alive = copy(this.alive, (n) => new Uint8Array(n));
    this.rowSlot = copy(this.rowSlot, (n) => new Int32Array(n));
    this.capacity = capacity;
  }

  /** Re-sorts every live row into Z-order and rebuilds the pyramid. */
  rebuild(): void {
    this.version++;
    let n = 0;
    const live = new Int32Array(this.liveCount);
    for (let r = 0; r < this.size; r++) if (this.alive[r] === 1) live[n++] = r;
    const codes = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = live[i]!;
      codes[i] = morton(tileOf(this.mx[r]!, GRID_ZOOM), tileOf(this.my[r]!, GRID_ZOOM));
    }
    const order = radixOrder(codes);
    const perm = new Int32Array(n);
    const sortedCodes = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      perm[i] = live[order[i]!]!;
      sortedCodes[i] = codes[order[i]!]!;
    }
    this.permute(perm, Math.max(1024, Math.ceil(n * 1.25)));
    this.baseCount = n;
    this.liveCount = n;
    this.buildPyramid(sortedCodes);
  }

  private permute(perm: Int32Array, capacity: number): void {
    const n = perm.length;
    this.latE = gatherI32(this.latE, perm, capacity);
    this.lonE = gatherI32(this.lonE, perm, capacity);
    this.lat = gatherF64(this.lat, perm, capacity);
    this.lon = gatherF64(this.lon, perm, capacity);
    this.mx = gatherF64(this.mx, perm, capacity);
    this.my = gatherF64(this.my, perm, capacity);
    this.price = gatherI32(this.price, perm, capacity);
    this.type = gatherU8(this.type, perm, capacity);
    this.beds = gatherI8(this.beds, perm, capacity);
    this.district = gatherU16(this.district, perm, capacity);
    this.neighbourhood = gatherU16(this.neighbourhood, perm, capacity);
    this.listedAt = gatherF64(this.listedAt, perm, capacity);
    this.updatedAt = gatherF64(this.updatedAt, perm, capacity);
    this.alive = gatherU8(this.alive, perm, capacity);
    this.rowSlot = gatherI32(this.rowSlot, perm, capacity);
    for (let i = 0; i < n; i++) this.slotRow[this.rowSlot[i]!] = i;
    this.capacity = capacity;
    this.size = n;
  }

  private buildPyramid(codes: Float64Array): void {
    const n = codes.length;
    this.leafOfRow = new Int32Array(n);
    const leaves: Cell[] = [];
    for (let start = 0; start < n; ) {
      const code = codes[start]!;
      let end = start + 1;
      while (end < n && codes[end] === code) end++;
      const [x, y] = unmorton(code);
      const cell = makeCell(GRID_ZOOM, x, y, start, end);
      const districts = new Map<number, AreaSums>();
      const neighbourhoods = new Map<number, AreaSums>();
      for (let r = start; r < end; r++) {
        const la = this.latE[r]!;
        const lo = this.lonE[r]!;
        const p = this.price[r]!;
        add(cell, la, lo, p);
        add(areaSums(districts, this.district[r]!), la, lo, p);
        add(areaSums(neighbourhoods, this.neighbourhood[r]!), la, lo, p);
        this.leafOfRow[r] = leaves.length;
      }
      cell.districts = [...districts.values()];
      cell.neighbourhoods = [...neighbourhoods.values()];
      leaves.push(cell);
      start = end;
    }
    this.leaves = leaves;
    let level = leaves;
    for (let z = GRID_ZOOM - PYRAMID_STEP; z >= 1; z -= PYRAMID_STEP) {
      level = parentsOf(level, z);
      if (z === RUN_ZOOM) this.buildRuns(level);
    }
    this.roots = level;
  }
}

/** The columns the filter loops read. */
interface FilterColumns {
  readonly alive: Uint8Array;
  readonly latE: Int32Array;
  readonly lonE: Int32Array;
  readonly price: Int32Array;
  readonly type: Uint8Array;
  readonly beds: Int8Array;
}

/*
 * The filter tests are branch-free on purpose: prices and types are unordered within a
 * tile, so branches mispredict; sign-bit arithmetic measured 3× faster over 1M rows.
 * Each difference below is negative exactly when its test fails, and all stay within
 * int32. Two loops rather than one with a flag: V8 optimises each tight loop on its own
 * (one shared loop measured 4× slower once inlined into its caller).
 */

function filterAll(c: FilterColumns, from: number, to: number, pred: Predicate, out: Int32Array): number {
  const { alive, price, type, beds } = c;
  const { priceMin, priceMax, typeMask, bedsMin } = pred;
  let n = 0;
  for (let r = from; r < to; r++) {
    const p = price[r]!;
    const outside = ((p - priceMin) | (priceMax - p) | (beds[r]! - bedsMin)) >>> 31;
    out[n] = r;
    n += alive[r]! & (typeMask >> type[r]!) & ~outside & 1;
  }
  return n;
}

/** The same with the bbox test, a branch: rows are in Z-order, so its outcome comes in runs. */
function filterInBox(c: FilterColumns, from: number, to: number, box: Box, pred: Predicate, out: Int32Array): number {
  const { alive, latE, lonE, price, type, beds } = c;
  const { latMin, latMax, lonMin, lonMax } = box;
  const { priceMin, priceMax, typeMask, bedsMin } = pred;
  let n = 0;
  for (let r = from; r < to; r++) {
    const la = latE[r]!;
    const lo = lonE[r]!;
    if (la < latMin || la > latMax || lo < lonMin || lo > lonMax) continue;
    const p = price[r]!;
    const outside = ((p - priceMin) | (priceMax - p) | (beds[r]! - bedsMin)) >>> 31;
    out[n] = r;
    n += alive[r]! & (typeMask >> type[r]!) & ~outside & 1;
  }
  return n;
}

/** filterInBox over a list of rows rather than a range (the keyword filter's candidates). */
function filterListInBox(c: FilterColumns, rows: Int32Array, from: number, to: number, box: Box, pred: Predicate, out: Int32Array): number {
  const { alive, latE, lonE, price, type, beds } = c;
  const { latMin, latMax, lonMin, lonMax } = box;
  const { priceMin, priceMax, typeMask, bedsMin } = pred;
  let n = 0;
  for (let i = from; i < to; i++) {
    const r = rows[i]!;
    const la = latE[r]!;
    const lo = lonE[r]!;
    if (la < latMin || la > latMax || lo < lonMin || lo > lonMax) continue;
    const p = price[r]!;
    const outside = ((p - priceMin) | (priceMax - p) | (beds[r]! - bedsMin)) >>> 31;
    out[n] = r;
    n += alive[r]! & (typeMask >> type[r]!) & ~outside & 1;
  }
  return n;
}

/*
 * Gathers `a[perm[i]]` into a new column, one function per element type: a single generic
 * one sees five array kinds, goes megamorphic, and measured several times slower.
 */
function gatherI32(a: Int32Array, perm: Int32Array, capacity: number): Int32Array {
  const b = new Int32Array(capacity);
  for (let i = 0; i < perm.length; i++) b[i] = a[perm[i]!]!;
  return b;
}
function gatherF64(a: Float64Array, perm: Int32Array, capacity: number): Float64Array {
  const b = new Float64Array(capacity);
  for (let i = 0; i < perm.length; i++) b[i] = a[perm[i]!]!;
  return b;
}
function gatherU8(a: Uint8Array, perm: Int32Array, capacity: number): Uint8Array {
  const b = new Uint8Array(capacity);
  for (let i = 0; i < perm.length; i++) b[i] = a[perm[i]!]!;
  return b;
}
function gatherI8(a: Int8Array, perm: Int32Array, capacity: number): Int8Array {
  const b = new Int8Array(capacity);
  for (let i = 0; i < perm.length; i++) b[i] = a[perm[i]!]!;
  return b;
}
function gatherU16(a: Uint16Array, perm: Int32Array, capacity: number): Uint16Array {
  const b = new Uint16Array(capacity);
  for (let i = 0; i < perm.length; i++) b[i] = a[perm[i]!]!;
  return b;
}

/** First index in [from, to) whose value is at least `value` (values sorted ascending). */
function lowerBound(values: Int32Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function compileFilters(f: Filters): Predicate {
  const typeMask = f.types ? f.types.reduce((m, t) => m | (1 << TYPE_CODE[t]), 0) : 0b111;
  const priceMin = Math.max(0, Math.min(PRICE_CEILING, f.priceMin ?? 0)) | 0;
  const priceMax = Math.max(-1, Math.min(PRICE_CEILING, f.priceMax ?? PRICE_CEILING)) | 0;
  const bedsMin = (f.bedsMin === undefined ? NO_BEDROOMS : Math.max(0, Math.min(127, f.bedsMin))) | 0;
  return {
    any: priceMin > 0 || priceMax < PRICE_CEILING || typeMask !== 0b111 || bedsMin !== NO_BEDROOMS,
    priceMin,
    priceMax,
    typeMask,
    bedsMin,
  };
}

/**
 * Where a cell lies for a query: null when it is outside the box or wholly outside the
 * ring (nothing to read); else whether it is wholly inside the box, and the ring its rows
 * must still be tested against (null when the cell lies wholly inside it, or there is none).
 */
function placeOf(cell: Cell, box: Box, ring: Ring | null): { inside: boolean; ring: Ring | null } | null {
  if (cell.lonMaxE < box.lonMin || cell.lonMinE > box.lonMax || cell.latMaxE < box.latMin || cell.latMinE > box.latMax) return null;
  let within = ring;
  if (ring) {
    const where = boxInRing(ring, decodeLon(cell.lonMinE), decodeLat(cell.latMinE), decodeLon(cell.lonMaxE), decodeLat(cell.latMaxE));
    if (where === BOX_OUTSIDE) return null;
    if (where === BOX_INSIDE) within = null;
  }
  const inside = cell.lonMinE >= box.lonMin && cell.lonMaxE <= box.lonMax && cell.latMinE >= box.latMin && cell.latMaxE <= box.latMax;
  return { inside, ring: within };
}

/** Keeps the rows whose quantized position lies in the ring (as Lucene tests it), in place. */
function keepInRing(rows: Int32Array, n: number, latE: Int32Array, lonE: Int32Array, ring: Ring): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    if (pointInRing(decodeLon(lonE[r]!), decodeLat(latE[r]!), ring)) rows[m++] = r;
  }
  return m;
}

/** Splits a bbox that crosses the antimeridian into its two sides. */
function splitBbox([west, south, east, north]: Bbox): Box[] {
  if (west <= east) return [box(west, south, east, north)];
  return [box(west, south, 180, north), box(-180, south, east, north)];
}

/**
 * Edges are inclusive on quantized values: a listing exactly on an edge is always in.
 * (Lucene rounds a box's minimum up, which drops such a listing; the cluster engine sends
 * the quantized minimum, so both engines agree.)
 */
function box(west: number, south: number, east: number, north: number): Box {
  return {
    latMin: encodeLat(south),
    latMax: encodeLat(north),
    lonMin: west === -180 ? ENCODED_MIN : encodeLon(west),
    lonMax: east === 180 ? ENCODED_MAX : encodeLon(east),
  };
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
    lonMinE: west === -180 ? ENCODED_MIN : encodeLon(west),
    lonMaxE: east === 180 ? ENCODED_MAX : encodeLon(east),
  };
}

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
      for (const a of c.districts) merge(areaSums(districts, a.area), a);
      for (const a of c.neighbourhoods) merge(areaSums(neighbourhoods, a.area), a);
      i++;
    }
    parent.children = kids;
    parent.districts = [...districts.values()];
    parent.neighbourhoods = [...neighbourhoods.values()];
    parents.push(parent);
  }
  return parents;
}

function areaSums(map: Map<number, AreaSums>, area: number): AreaSums {
  let s = map.get(area);
  if (!s) {
    s = { area, count: 0, sLat: 0, sLon: 0, sPrice: 0 };
    map.set(area, s);
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

/** Spreads the bits of a byte apart: abcdefgh → 0a0b0c0d0e0f0g0h. */
const SPREAD = new Uint16Array(256).map((_, v) => {
  let out = 0;
  for (let bit = 0; bit < 8; bit++) if (v & (1 << bit)) out |= 1 << (2 * bit);
  return out;
});

/** Z-order code of a tile at GRID_ZOOM (34 bits, exact in a double). */
function morton(x: number, y: number): number {
  return spread17(x) * 2 + spread17(y);
}

function spread17(v: number): number {
  return SPREAD[v & 0xff]! + SPREAD[(v >>> 8) & 0xff]! * 0x10000 + SPREAD[v >>> 16]! * 0x100000000;
}

function unmorton(code: number): [number, number] {
  let x = 0;
  let y = 0;
  for (let bit = 0; bit < GRID_ZOOM; bit++) {
    const pair = Math.floor(code / 4 ** bit) % 4;
    if (pair & 2) x += 2 ** bit;
    if (pair & 1) y += 2 ** bit;
  }
  return [x, y];
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * Stable LSD radix sort by non-negative integer keys below 4096^passes, no comparator
 * calls; `order` (default: identity) is the order to refine, so sorts chain into a
 * multi-key sort when the least significant key goes first.
 */
function radixOrder(keys: Float64Array, passes = 3, start?: Int32Array): Int32Array {
  const n = keys.length;
  let order: Int32Array = start ?? identity(n);
  let next: Int32Array = new Int32Array(n);
  const digit = new Uint16Array(n);
  const counts = new Int32Array(4097);
  for (let pass = 0; pass < passes; pass++) {
    const divisor = 4096 ** pass;
    if (pass < 2) {
      // Integer shifts where they are exact (the low 24 bits): 5× faster than division.
      const shift = 12 * pass;
      for (let i = 0; i < n; i++) {
        const k = keys[i]!;
        digit[i] = ((k % 16777216) >>> shift) & 4095;
      }
    } else {
      for (let i = 0; i < n; i++) digit[i] = Math.floor(keys[i]! / divisor) % 4096;
    }
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[digit[i]! + 1]!++;
    for (let d = 0; d < 4096; d++) counts[d + 1]! += counts[d]!;
    for (let i = 0; i < n; i++) {
      const o = order[i]!;
      next[counts[digit[o]!]!++] = o;
    }
    [order, next] = [next, order];
  }
  return order;
}
