import { decodeLat, decodeLon, encodeLat, encodeLon, mercatorX, mercatorY } from '../../core/geotile';
import { isoTime } from '../../core/iso-time';
import { currencyOf, LISTING_TYPES, PRICE_PERIODS, pricePerOf, type Listing, type ListingRecord } from '../../core/listing';
import type { Bbox, Filters, Ring } from '../search-engine';
import type { PriceUnit } from '../../contract/search-prices';
import { Dictionary } from './dictionary';
import { encodedBoxes, type EncodedBox } from './encoded-box';
import { compileFilters, filterAll, filterInBox, filterListInBox, keepExtras, keepInRing, NO_BEDROOMS, NO_COUNT, TYPE_CODE, type FilterColumns, type Predicate } from './filter-kernels';
import { amenityMask } from '../../core/amenities';
import { MAX_BATHROOMS } from '../../core/listing';
import { priceCutBp } from '../../core/price-cut';
import { COLUMN_NAMES, ListingColumns, type ColumnName, type Columns } from './listing-columns';
import type { IdTableParts } from './id-table';
import type { StringColumnParts } from './string-column';
import type { TextIndexParts } from './text-index';
import { lowerBound } from './lower-bound';
import { PriceRuns, type PriceRunsParts, type Run } from './price-runs';
import { radixOrder } from './radix-order';
import type { IndexView, RowSink, SinkColumns } from './row-sink';
import { IdTable } from './id-table';
import { StringColumn } from './string-column';
import { TextIndex } from './text-index';
import { textMatches } from '../../core/text-match';
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
/**
 * Word sets this large get price runs of their own for area views: below it, reading the
 * rows costs less than making the runs (a radix sort of the set) would.
 */
const WORD_RUNS_MIN = 50_000;
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
  private textIndex = new TextIndex();

  private readonly rows = new ListingColumns();
  /** Rows below this are sorted and under the pyramid; the rest is the tail. */
  private baseCount = 0;
  private liveCount = 0;
  private pyramid = TilePyramid.empty();
  private runs = PriceRuns.empty();
  /*
   * Each listing keeps one slot for life; its row moves on every re-sort. Strings live by
   * slot and never move; slot → row is a typed array rewritten on a re-sort, which
   * measured far cheaper than re-keying a million-entry map of ids. Everything per slot
   * is a typed array (ids and titles as UTF-8 in StringColumns, the id lookup an IdTable)
   * so ten million listings stay off the V8 heap and a snapshot is written and read whole.
   */
  private ids = new StringColumn();
  private slotOf = new IdTable(this.ids);
  private titles = new StringColumn();
  /** By slot: codes of `currencyNames` (a city has one or two currencies) and of PRICE_PERIODS. */
  private currencyCode = new Uint8Array(1024);
  private currencyNames = new Dictionary();
  private periodCode = new Uint8Array(1024);
  /** Slots handed out so far (live or free). */
  private slots = 0;
  private freeSlots: number[] = [];
  private slotRow = new Int32Array(0);
  private readonly matches = new Int32Array(MATCH_BATCH);
  /** Bumped when rows move (a re-sort); a write only appends a row and kills another. */
  private layout = 0;
  /**
   * Word sets' rows, kept across writes: a write's new row joins each set its text holds
   * (a dead row stays in a set; the scan skips it). At 10M listings a common word's rows
   * cost 100–300 ms to gather, and dropping every set at each write made every keyword
   * search under 50 writes/s pay it.
   */
  private readonly wordRows = new Map<string, WordRows>();
  private rowMarks = new Uint8Array(0);

  /** @param wordRunsMin word sets from this many rows get price runs of their own (WORD_RUNS_MIN; tests make it small) */
  constructor(private readonly wordRunsMin = WORD_RUNS_MIN) {}

  get count(): number {
    return this.liveCount;
  }

  /** Unit codes are currency code × the periods + period code: below this many. */
  get unitCount(): number {
    return Math.max(1, this.currencyNames.names.length) * PRICE_PERIODS.length;
  }

  unitOf(code: number): PriceUnit {
    return { currency: this.currencyNames.names[Math.floor(code / PRICE_PERIODS.length)]!, pricePer: PRICE_PERIODS[code % PRICE_PERIODS.length]! };
  }

  /** Words of each slot's title and description, for the keyword filter. */
  get text(): TextIndex {
    return this.textIndex;
  }

  /**
   * The whole index as arrays and a few small lists (index-snapshot.ts writes them): the
   * rows sorted, nothing in the tail. The pyramid and the runs are not included: they
   * are made again from the sorted rows at load, in less time than reading them would take.
   */
  parts(): ListingIndexParts {
    if (this.baseCount !== this.rows.size || this.liveCount !== this.baseCount) this.rebuild();
    const n = this.rows.size;
    const cols = {} as Record<ColumnName, Columns[ColumnName]>;
    for (const name of COLUMN_NAMES) cols[name] = this.rows.cols[name].subarray(0, n);
    return {
      rows: n,
      columns: cols as Columns,
      districts: this.districts.names,
      neighbourhoods: this.neighbourhoods.names,
      neighbourhoodDistrict: this.neighbourhoodDistrict,
      neighbourhoodName: this.neighbourhoodName,
      currencies: this.currencyNames.names,
      slots: this.slots,
      freeSlots: this.freeSlots,
      slotRow: this.slotRow.subarray(0, this.slots),
      currencyCode: this.currencyCode.subarray(0, this.slots),
      periodCode: this.periodCode.subarray(0, this.slots),
      ids: this.ids.parts(this.slots),
      idTable: this.slotOf.parts(),
      titles: this.titles.parts(this.slots),
      text: this.textIndex.parts(),
      runs: this.runs.parts(this.pyramid.runCells),
    };
  }

  /**
   * The index `parts` describe. Columns arrive with room to grow (their capacity); the
   * per-slot arrays are taken as they are and grow on the next new slot.
   */
  static fromParts(p: ListingIndexParts): ListingIndex {
    const index = new ListingIndex();
    for (const name of p.districts) index.districts.id(name);
    for (const name of p.neighbourhoods) index.neighbourhoods.id(name);
    index.neighbourhoodDistrict.push(...p.neighbourhoodDistrict);
    index.neighbourhoodName.push(...p.neighbourhoodName);
    index.currencyNames = new Dictionary();
    for (const name of p.currencies) index.currencyNames.id(name);
    index.rows.adopt(p.columns, p.rows);
    index.slots = p.slots;
    index.freeSlots = [...p.freeSlots];
    index.slotRow = p.slotRow;
    index.currencyCode = p.currencyCode;
    index.periodCode = p.periodCode;
    index.ids = new StringColumn(p.ids);
    index.slotOf = new IdTable(index.ids, p.idTable);
    index.titles = new StringColumn(p.titles);
    index.textIndex = TextIndex.fromParts(p.text);
    const c = index.rows.cols;
    const codes = new Float64Array(p.rows);
    for (let r = 0; r < p.rows; r++) {
      if (c.alive[r] !== 1) throw new Error('an index snapshot holds only live rows');
      codes[r] = leafCode(c.mx[r]!, c.my[r]!);
      if (r > 0 && codes[r]! < codes[r - 1]!) throw new Error('an index snapshot holds rows out of order');
    }
    index.aggregate(codes, p.runs);
    return index;
  }

  /** Loads many records at once, then sorts: the start-up path. */
  load(records: Iterable<ListingRecord>): void {
    for (const r of records) this.upsert(r, false);
    this.rebuild();
  }

  upsert(r: ListingRecord, maybeRebuild = true): void {
    let slot = this.slotOf.get(r.id);
    if (slot !== undefined) {
      this.kill(this.slotRow[slot]!);
    } else {
      slot = this.freeSlots.pop() ?? this.slots++;
      this.ensureSlots(slot);
      this.ids.set(slot, r.id);
      this.slotOf.add(r.id, slot);
    }
    this.titles.set(slot, r.title);
    const currency = this.currencyNames.id(currencyOf(r));
    if (currency > 0xff) throw new Error('more than 256 distinct currencies');
    this.currencyCode[slot] = currency;
    this.periodCode[slot] = PRICE_PERIODS.indexOf(pricePerOf(r));
    this.text.put(slot, r.title, r.description);
    const row = this.append(r, slot);
    this.slotRow[slot] = row;
    for (const set of this.wordRows.values()) if (set.layout === this.layout && textMatches(r, set.words)) set.added.push(row);
    this.liveCount++;
    if (maybeRebuild) this.maybeRebuild();
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.kill(this.slotRow[slot]!);
    this.slotOf.delete(id);
    this.text.remove(slot);
    this.titles.set(slot, '');
    this.ids.set(slot, '');
    this.freeSlots.push(slot);
    return true;
  }

  get(id: string): Listing | null {
    const slot = this.slotOf.get(id);
    return slot === undefined ? null : this.listing(this.slotRow[slot]!);
  }

  /** The id of the listing in a row. */
  idAt(row: number): string {
    return this.ids.get(this.rows.cols.rowSlot[row]!);
  }

  /**
   * Whether row a's id sorts before row b's, compared as bytes: a list's ties (every home
   * without a price cut, an imported city's one listing time) are broken without decoding
   * two ids per row (the price-cut list of 300,000 demo homes, all tied: 192 → 34 ms, measured
   * under load).
   */
  idBefore(a: number, b: number): boolean {
    const slot = this.rows.cols.rowSlot;
    return this.ids.compare(slot[a]!, slot[b]!) < 0;
  }

  /**
   * The listing in a row as the API shows it. Its ISO times are formatted here, each time
   * (core/iso-time: a day's prefix kept, the time of day in integer arithmetic): a cache
   * per slot was either unbounded (200 MB at 1M listings, formatted at start) or, bounded,
   * missed on most street views at 10M.
   */
  listing(row: number): Listing {
    const c = this.rows.cols;
    const slot = c.rowSlot[row]!;
    const listedAt = isoTime(c.listedAt[row]!);
    const updatedAt = c.updatedAt[row] === c.listedAt[row] ? listedAt : isoTime(c.updatedAt[row]!);
    const b = c.beds[row]!;
    const out: Listing = {
      id: this.ids.get(slot),
      title: this.titles.get(slot),
      lat: c.lat[row]!,
      lon: c.lon[row]!,
      price: c.price[row]!,
      currency: this.currencyNames.names[this.currencyCode[slot]!]!,
      pricePer: PRICE_PERIODS[this.periodCode[slot]!]!,
      type: LISTING_TYPES[c.type[row]!]!,
      district: this.districts.names[c.district[row]!]!,
      neighbourhood: this.neighbourhoodName[c.neighbourhood[row]!]!,
      listedAt,
      updatedAt,
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
    if (hit && hit.layout === this.layout) {
      if (hit.added.length > 0) {
        // Rows appended since are past every row the set holds: ascending still.
        const merged = new Int32Array(hit.rows.length + hit.added.length);
        merged.set(hit.rows);
        merged.set(hit.added, hit.rows.length);
        hit.rows = merged;
        hit.added = [];
      }
      return hit.rows;
    }
    const rows = this.inStorageOrder(this.text.match(words));
    this.wordRows.delete(key);
    this.wordRows.set(key, { layout: this.layout, words: [...words], rows, added: [] });
    if (this.wordRows.size > WORD_ROWS_KEPT) this.wordRows.delete(this.wordRows.keys().next().value!);
    return rows;
  }

  /**
   * Feeds the given rows (ascending) that lie inside `bbox` and the ring and pass `filters`
   * to the sink. The pyramid narrows them: each cell's rows are a range of the sorted base,
   * so a cell's share of the set is found by binary search and cells outside the box or
   * the ring cost nothing, however many rows the set holds elsewhere.
   */
  scanRowSet(rows: Int32Array, bbox: Bbox, filters: Filters, sink: RowSink, area: Ring | null = null, runs: WordRuns | null = null): void {
    const pred = compileFilters(filters);
    const ring = area ? preparedRing(area) : null;
    const tail = lowerBound(rows, 0, rows.length, this.baseCount);
    for (const box of encodedBoxes(bbox)) {
      for (const root of this.pyramid.roots) {
        const lo = lowerBound(rows, 0, tail, root.start);
        this.visitSet(root, rows, lo, lowerBound(rows, lo, tail, root.end), box, pred, sink, ring, runs);
      }
      this.filterSet(rows, tail, rows.length, box, pred, sink, ring);
    }
  }

  /**
   * The listings whose text holds every word into the sink, as scanRowSet does with their
   * rows; a sink that takes runs (area totals) gets a large word set's runs where a cell lies
   * wholly in the view, so a country view with a common word adds runs, not a million rows.
   */
  scanWords(words: readonly string[], bbox: Bbox, filters: Filters, sink: RowSink, ring: Ring | null = null): void {
    const rows = this.rowsWithWords(words);
    let runs: WordRuns | null = null;
    const extra = filters.bathsMin !== undefined || filters.guestsMin !== undefined || (filters.amenities?.length ?? 0) > 0;
    if (takesRuns(sink) && !extra && rows.length >= this.wordRunsMin) {
      const set = this.wordRows.get(words.join(' '))!;
      if (set.runs === undefined) {
        const base = rows.subarray(0, lowerBound(rows, 0, rows.length, this.baseCount));
        const built = PriceRuns.buildFor(this.pyramid.runCells, base, this.rows.cols);
        set.runs = { runs: built.runs, byCell: new Map(this.pyramid.runCells.map((c, i) => [c, built.perCell[i]!])) };
      }
      runs = set.runs;
    }
    this.scanRowSet(rows, bbox, filters, sink, ring, runs);
  }

  /** Re-sorts every live row into Z-order and rebuilds the pyramid and the runs. */
  rebuild(): void {
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
    this.aggregate(sortedCodes);
  }

  /** The pyramid and the runs over the sorted rows, whose leaf codes are `codes` (the runs as a snapshot holds them, if given). */
  private aggregate(codes: Float64Array, runs?: PriceRunsParts): void {
    const n = codes.length;
    this.layout++;
    this.baseCount = n;
    this.liveCount = n;
    this.pyramid = TilePyramid.build(codes, this.rows.cols);
    this.runs = runs ? PriceRuns.fromParts(this.pyramid.runCells, runs) : PriceRuns.build(this.pyramid.runCells, n, this.rows.cols);
  }

  private visitSet(cell: Cell, rows: Int32Array, lo: number, hi: number, box: EncodedBox, pred: Predicate, sink: RowSink, ring: RingIndex | null, runs: WordRuns | null): void {
    if (lo === hi) return;
    const place = placeOf(cell, box, ring);
    if (place === null) return;
    ring = place.ring;
    const whole = place.inside && !ring;
    if (whole && runs && !pred.extra && takesRuns(sink)) {
      // A cell whose rows all still live adds the word's runs; one with a dead row reads rows.
      const own = runs.byCell.get(cell);
      if (own && !cell.dirty) {
        runs.runs.addRuns(own, pred, sink);
        return;
      }
      if (!own && cell.z < RUN_ZOOM && cell.children) {
        for (const child of cell.children) {
          const a = lowerBound(rows, lo, hi, child.start);
          const b = lowerBound(rows, a, hi, child.end);
          this.visitSet(child, rows, a, b, box, pred, sink, ring, runs);
        }
        return;
      }
    }
    if (whole || cell.children === null) {
      this.filterSet(rows, lo, hi, box, pred, sink, ring);
      return;
    }
    for (const child of cell.children) {
      const a = lowerBound(rows, lo, hi, child.start);
      const b = lowerBound(rows, a, hi, child.end);
      this.visitSet(child, rows, a, b, box, pred, sink, ring, runs);
    }
  }

  private filterSet(rows: Int32Array, from: number, to: number, box: EncodedBox, pred: Predicate, sink: RowSink, ring: RingIndex | null): void {
    const cols: FilterColumns = this.rows.cols;
    for (let start = from; start < to; start += MATCH_BATCH) {
      const end = Math.min(to, start + MATCH_BATCH);
      let n = filterListInBox(cols, rows, start, end, box, pred, this.matches);
      if (pred.extra) n = keepExtras(this.matches, n, cols, pred);
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
      // Runs know price, type and bedrooms: a view asking for more reads rows.
      const runsBelow = takesRuns(sink) && pred.any && !pred.extra && cell.z < RUN_ZOOM;
      if (cell.runs && !cell.dirty && takesRuns(sink) && pred.any && !pred.extra) {
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
      if (pred.extra) n = keepExtras(this.matches, n, cols, pred);
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
      baths: r.bathrooms === undefined ? NO_COUNT : Math.min(Math.round(r.bathrooms * 2), 2 * MAX_BATHROOMS, 127),
      guests: r.guests === undefined ? NO_COUNT : Math.min(r.guests, 127),
      amenities: amenityMask(r.amenities),
      // A rise is no cut at all (NO_COUNT: never counts), as core/price-cut has it.
      cutBp: Math.max(0, priceCutBp(r.price, r.previousPrice, 0, 0)),
      cutAt: r.previousPrice !== undefined && r.priceChangedAt !== undefined && r.previousPrice > r.price ? Math.floor(r.priceChangedAt / 60_000) : NO_COUNT,
      district,
      neighbourhood,
      unit: this.currencyCode[slot]! * PRICE_PERIODS.length + this.periodCode[slot]!,
      listedAt: r.listedAt,
      updatedAt: r.updatedAt,
      alive: 1,
      rowSlot: slot,
    });
  }

  private ensureSlots(slot: number): void {
    if (slot < this.slotRow.length) return;
    const n = Math.max(1024, this.slotRow.length * 2);
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.slotRow = grow(this.slotRow, (k) => new Int32Array(k));
    this.currencyCode = grow(this.currencyCode, (k) => new Uint8Array(k));
    this.periodCode = grow(this.periodCode, (k) => new Uint8Array(k));
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

/** A word set's rows in storage order, and the rows written since that hold its words. */
interface WordRows {
  layout: number;
  words: string[];
  rows: Int32Array;
  added: number[];
  /** Its base rows' price runs per RUN_ZOOM cell, made on the first area view that wants them. */
  runs?: WordRuns;
}

/** A word set's price runs (PriceRuns.buildFor), by cell. */
interface WordRuns {
  runs: PriceRuns;
  byCell: Map<Cell, Run[]>;
}

/** A ListingIndex as arrays and small lists (ListingIndex.parts), what a snapshot holds. */
export interface ListingIndexParts {
  rows: number;
  /** Sorted live rows; each array may be longer than `rows` (room to grow). */
  columns: Columns;
  districts: readonly string[];
  neighbourhoods: readonly string[];
  neighbourhoodDistrict: readonly number[];
  neighbourhoodName: readonly string[];
  currencies: readonly string[];
  slots: number;
  freeSlots: readonly number[];
  slotRow: Int32Array<ArrayBuffer>;
  currencyCode: Uint8Array<ArrayBuffer>;
  periodCode: Uint8Array<ArrayBuffer>;
  ids: StringColumnParts;
  idTable: IdTableParts;
  titles: StringColumnParts;
  text: TextIndexParts;
  runs: PriceRunsParts;
}
