import { decodeLat, decodeLon, encodeLat, encodeLon, mercatorX, mercatorY } from '../../core/geotile';
import { currencyOf, LISTING_TYPES, pricePerOf, type Listing, type ListingRecord, type PricePer } from '../../core/listing';
import type { Bbox, Filters, Ring } from '../search-engine';
import { Dictionary } from './dictionary';
import { encodedBoxes, type EncodedBox } from './encoded-box';
import { compileFilters, filterAll, filterInBox, filterListInBox, keepInRing, NO_BEDROOMS, TYPE_CODE, type FilterColumns, type Predicate } from './filter-kernels';
import { ListingColumns } from './listing-columns';
import { lowerBound } from './lower-bound';
import { PriceRuns } from './price-runs';
import { radixOrder } from './radix-order';
import type { IndexView, RowSink, SinkColumns } from './row-sink';
import { TextIndex } from './text-index';
import { leafCode, RUN_ZOOM, TilePyramid, placeOf, type Cell } from './tile-pyramid';
import { preparedRing, type RingIndex } from './ring-index';

/** Whether a sink takes the totals of price runs (area sinks do; row and tile sinks not). */
function takesRuns(sink: RowSink): sink is RowSink & Pick<Required<RowSink>, 'addRun'> {
  return sink.addRun !== undefined;
}

/** Rows appended since the last sort are scanned on every query; re-sort past this many. */
const MIN_TAIL_BEFORE_REBUILD = 20_000;
/** Rows filtered per batch before the sink aggregates them. */
const MATCH_BATCH = 16_384;
/** Keyword row sets kept between searches: a few renters' keywords at a time. */
const WORD_ROWS_KEPT = 8;

/**
 * Listings in typed columns (ListingColumns) sorted in Z-order, with a pyramid of tiles
 * carrying live totals (TilePyramid) and price-sorted runs (PriceRuns), so an unfiltered
 * view adds up cell totals and a filtered area view adds up runs instead of rows. Changes
 * append to an unsorted tail that a periodic re-sort folds in.
 */
export class ListingIndex implements IndexView {
  readonly districts = new Dictionary();
  /** Keyed by `district|neighbourhood`: the same neighbourhood name occurs in two districts. */
  readonly neighbourhoods = new Dictionary();
  readonly neighbourhoodDistrict: number[] = [];
  /** The plain name of each neighbourhood id (its key without the district). */
  readonly neighbourhoodName: string[] = [];
  /** Words of each slot's title and description, for the keyword filter. */
  readonly text = new TextIndex();

  private readonly rows = new ListingColumns();
  /** Rows below this are sorted and under the pyramid; the rest is the tail. */
  private baseCount = 0;
  private liveCount = 0;
  private pyramid = TilePyramid.empty();
  private runs = PriceRuns.empty();
  /*
   * Each listing keeps one slot for life; its row moves on every re-sort. Strings live by
   * slot and never move; slot → row is a typed array rewritten on a re-sort, which
   * measured far cheaper than re-keying a million-entry map of ids.
   */
  private readonly slotOf = new Map<string, number>();
  private readonly ids: string[] = [];
  private readonly titles: string[] = [];
  /** By slot, interned: a city has one or two currencies, so each is one shared string. */
  private readonly currencies: string[] = [];
  private readonly periods: PricePer[] = [];
  private readonly isoTimes: ([string, string] | undefined)[] = [];
  private readonly freeSlots: number[] = [];
  private slotRow = new Int32Array(0);
  private readonly matches = new Int32Array(MATCH_BATCH);
  /** Bumped by every change of rows (a write moves a listing to a new row, a rebuild moves all). */
  private version = 0;
  private readonly wordRows = new Map<string, { version: number; rows: Int32Array }>();
  private rowMarks = new Uint8Array(0);

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
    return this.ids[this.rows.cols.rowSlot[row]!]!;
  }

  /**
   * The listing in a row as the API shows it. Its ISO times are made on first use and
   * kept per slot: formatting two dates per pin was the largest cost of a street view,
   * and formatting all at start cost 4 s and 200 MB at 1M listings.
   */
  listing(row: number): Listing {
    const c = this.rows.cols;
    const slot = c.rowSlot[row]!;
    let times = this.isoTimes[slot];
    if (times === undefined) {
      const listed = new Date(c.listedAt[row]!).toISOString();
      const updated = c.updatedAt[row] === c.listedAt[row] ? listed : new Date(c.updatedAt[row]!).toISOString();
      times = [listed, updated];
      this.isoTimes[slot] = times;
    }
    const b = c.beds[row]!;
    const out: Listing = {
      id: this.ids[slot]!,
      title: this.titles[slot]!,
      lat: c.lat[row]!,
      lon: c.lon[row]!,
      price: c.price[row]!,
      currency: this.currencies[slot]!,
      pricePer: this.periods[slot]!,
      type: LISTING_TYPES[c.type[row]!]!,
      district: this.districts.names[c.district[row]!]!,
      neighbourhood: this.neighbourhoodName[c.neighbourhood[row]!]!,
      listedAt: times[0],
      updatedAt: times[1],
    };
    if (b !== NO_BEDROOMS) out.bedrooms = b;
    return out;
  }

  /** The columns the engine's sinks read in their loops. */
  columns(): SinkColumns {
    return this.rows.cols;
  }

  /**
   * Feeds every live row inside `bbox` that passes `filters` to the sink. With
   * `useCells`, unfiltered queries take whole cells' totals where the sink accepts them.
   */
  scan(bbox: Bbox, filters: Filters, sink: RowSink, useCells: boolean, area: Ring | null = null): void {
    const pred = compileFilters(filters);
    const ring = area ? preparedRing(area) : null;
    const cells = useCells && !pred.any;
    for (const box of encodedBoxes(bbox)) {
      for (const root of this.pyramid.roots) this.visit(root, box, pred, sink, cells, ring);
      this.scanRows(this.baseCount, this.rows.size, box, pred, sink, true, ring);
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
  scanRowSet(rows: Int32Array, bbox: Bbox, filters: Filters, sink: RowSink, area: Ring | null = null): void {
    const pred = compileFilters(filters);
    const ring = area ? preparedRing(area) : null;
    const tail = lowerBound(rows, 0, rows.length, this.baseCount);
    for (const box of encodedBoxes(bbox)) {
      for (const root of this.pyramid.roots) {
        const lo = lowerBound(rows, 0, tail, root.start);
        this.visitSet(root, rows, lo, lowerBound(rows, lo, tail, root.end), box, pred, sink, ring);
      }
      this.filterSet(rows, tail, rows.length, box, pred, sink, ring);
    }
  }

  /** Re-sorts every live row into Z-order and rebuilds the pyramid and the runs. */
  rebuild(): void {
    this.version++;
    const c = this.rows.cols;
    let n = 0;
    const live = new Int32Array(this.liveCount);
    for (let r = 0; r < this.rows.size; r++) if (c.alive[r] === 1) live[n++] = r;
    const codes = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const r = live[i]!;
      codes[i] = leafCode(c.mx[r]!, c.my[r]!);
    }
    const order = radixOrder(codes);
    const perm = new Int32Array(n);
    const sortedCodes = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      perm[i] = live[order[i]!]!;
      sortedCodes[i] = codes[order[i]!]!;
    }
    this.rows.permute(perm, Math.max(1024, Math.ceil(n * 1.25)));
    const sorted = this.rows.cols;
    for (let i = 0; i < n; i++) this.slotRow[sorted.rowSlot[i]!] = i;
    this.baseCount = n;
    this.liveCount = n;
    this.pyramid = TilePyramid.build(sortedCodes, sorted);
    this.runs = PriceRuns.build(this.pyramid.runCells, n, sorted);
  }

  private visitSet(cell: Cell, rows: Int32Array, lo: number, hi: number, box: EncodedBox, pred: Predicate, sink: RowSink, ring: RingIndex | null): void {
    if (lo === hi) return;
    const place = placeOf(cell, box, ring);
    if (place === null) return;
    ring = place.ring;
    if ((place.inside && !ring) || cell.children === null) {
      this.filterSet(rows, lo, hi, box, pred, sink, ring);
      return;
    }
    for (const child of cell.children) {
      const a = lowerBound(rows, lo, hi, child.start);
      const b = lowerBound(rows, a, hi, child.end);
      this.visitSet(child, rows, a, b, box, pred, sink, ring);
    }
  }

  private filterSet(rows: Int32Array, from: number, to: number, box: EncodedBox, pred: Predicate, sink: RowSink, ring: RingIndex | null): void {
    const cols: FilterColumns = this.rows.cols;
    for (let start = from; start < to; start += MATCH_BATCH) {
      const end = Math.min(to, start + MATCH_BATCH);
      let n = filterListInBox(cols, rows, start, end, box, pred, this.matches);
      if (ring) n = keepInRing(this.matches, n, cols.latE, cols.lonE, ring);
      if (n > 0) sink.addRows(this.matches, n);
    }
  }

  /**
   * The slots' rows, ascending. Many matches are put in order by one pass over a mark per
   * row (100,000 of a million: 2.2 ms against 5.7 ms for a sort, measured); few are sorted.
   */
  private inStorageOrder(slots: Int32Array): Int32Array {
    const rows = new Int32Array(slots.length);
    const { slotRow } = this;
    const size = this.rows.size;
    if (slots.length * 32 < size) {
      for (let i = 0; i < slots.length; i++) rows[i] = slotRow[slots[i]!]!;
      return rows.sort();
    }
    if (this.rowMarks.length < size) this.rowMarks = new Uint8Array(size);
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
  private visit(cell: Cell, box: EncodedBox, pred: Predicate, sink: RowSink, useCells: boolean, ring: RingIndex | null): void {
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
      const runsBelow = takesRuns(sink) && pred.any && cell.z < RUN_ZOOM;
      if (cell.runs && !cell.dirty && takesRuns(sink) && pred.any) {
        this.runs.addRuns(cell.runs, pred, sink);
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
  private scanRows(from: number, to: number, box: EncodedBox, pred: Predicate, sink: RowSink, testBox: boolean, ring: RingIndex | null = null): void {
    const cols: FilterColumns = this.rows.cols;
    for (let start = from; start < to; start += MATCH_BATCH) {
      const end = Math.min(to, start + MATCH_BATCH);
      let n = testBox ? filterInBox(cols, start, end, box, pred, this.matches) : filterAll(cols, start, end, pred, this.matches);
      if (ring) n = keepInRing(this.matches, n, cols.latE, cols.lonE, ring);
      if (n > 0) sink.addRows(this.matches, n);
    }
  }

  private append(r: ListingRecord, slot: number): number {
    const latE = encodeLat(r.lat);
    const lonE = encodeLon(r.lon);
    const district = this.districts.id(r.district);
    const neighbourhood = this.neighbourhoods.id(`${r.district}|${r.neighbourhood}`);
    this.neighbourhoodDistrict[neighbourhood] = district;
    this.neighbourhoodName[neighbourhood] = r.neighbourhood;
    return this.rows.append({
      latE,
      lonE,
      lat: r.lat,
      lon: r.lon,
      mx: mercatorX(decodeLon(lonE)),
      my: mercatorY(decodeLat(latE)),
      price: r.price,
      type: TYPE_CODE[r.type],
      beds: r.bedrooms === null ? NO_BEDROOMS : Math.min(r.bedrooms, 127),
      district,
      neighbourhood,
      listedAt: r.listedAt,
      updatedAt: r.updatedAt,
      alive: 1,
      rowSlot: slot,
    });
  }

  private kill(row: number): void {
    const c = this.rows.cols;
    if (c.alive[row] === 0) return;
    c.alive[row] = 0;
    this.liveCount--;
    if (row < this.baseCount) this.pyramid.subtractRow(row, c);
  }

  private maybeRebuild(): void {
    const tail = this.rows.size - this.baseCount;
    if (tail > Math.max(MIN_TAIL_BEFORE_REBUILD, this.baseCount / 8)) this.rebuild();
  }
}
