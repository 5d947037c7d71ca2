import { encodeEastEdge, encodeLat, encodeLon, encodeWestEdge, decodeLat, decodeLon } from '../../core/geotile';
import type { ListingRecord } from '../../core/listing';
import { pointInRing, ringBbox } from '../../core/polygon';
import { queryWords, textMatches } from '../../core/text-match';
import type { Filters, Ring, SearchDefinition } from '../search-engine';
import { matchesExtras } from '../../core/area-match';
import { NO_BEDROOMS, TYPE_CODE } from './filter-kernels';
import { IdTable } from './id-table';
import { ENTRY, SearchAreaCellList } from './search-area-cell-list';
import { StringColumn } from './string-column';

/**
 * Grid cells are this many low bits of Lucene's 32-bit encodings wide: 4,096 cells a
 * side, about 7 × 5 km at New York — a saved map view at zoom 14–16 or a drawn block
 * lies in one to four of them. Narrower cells (19) cut a listing's candidates from ~4,500
 * to ~2,800 at a million searches, but the scan is no longer where a match's time goes.
 */
const CELL_SHIFT = 20;
const CELLS = 1 << (32 - CELL_SHIFT);
/** Areas over more cells than this (a whole country) are kept in one list every match reads. */
const MAX_CELLS_PER_AREA = 256;
const PRICE_CEILING = 2 ** 30 - 1;

const { stride: STRIDE, slot: SLOT, latMin: LAT_MIN, latMax: LAT_MAX, west: WEST, east: EAST, priceMin: PRICE_MIN, priceMax: PRICE_MAX, packed: PACKED } = ENTRY;

/** What a slot asks beyond its box and numeric filters, so a match reads the maps only for those that do. */
const HAS_RING = 1;
const HAS_EXTRAS = 2;
const HAS_WORDS = 4;

/**
 * A number ordered as the id's first seven UTF-16 units, 7 bits each (49 bits, exact in a
 * double): ids with different keys sort as their keys do, so matched slots sort by
 * comparing numbers and decode only ids whose keys tie. A unit past ASCII ends the key
 * (as 127) — the rest then ties and the strings decide.
 */
export function idSortKey(id: string): number {
  let key = 0;
  let i = 0;
  for (; i < 7 && i < id.length; i++) {
    const c = id.charCodeAt(i);
    // 0 stands for "the id ended", so units shift up by one; 126 and past end the key.
    const unit = c < 126 ? c + 1 : 127;
    key = key * 128 + unit;
    if (unit === 127) {
      i++;
      break;
    }
  }
  for (; i < 7; i++) key *= 128;
  return key;
}

function cellOf(encoded: number): number {
  // Encodings run from -2^31: shift them to 0..2^32 first.
  return Math.floor((encoded + 2 ** 31) / 2 ** CELL_SHIFT);
}

/**
 * Saved searches by area for matching each change, in typed arrays: per search its box as
 * Lucene encodings (the exact test a search makes), its filters as numbers, its ring when it
 * is a drawn area; and a grid of cells listing the searches whose area touches each. A
 * listing reads its own cell's list and tests each entry with a few integer comparisons.
 * A million searches hold ~250 MB (the drawn areas' rings and the cells' lists included),
 * where the R-tree of definition objects it replaces (SearchAreaIndex) held 672 MB of V8 heap
 * and matched 3–4× slower (BENCHMARKS.md, issue 31).
 */
export class SearchAreaGrid {
  private readonly ids = new StringColumn();
  /**
   * Each slot's id as a string too: a match returns ~840 of them, and decoding each from the
   * column (Buffer#toString, ~280 ns) was most of a match's time. A million ids of ~14
   * characters are ~40 MB of V8 heap, leaves the collector marks without following.
   */
  private idText: string[] = [];
  private readonly slotOf = new IdTable(this.ids);
  private readonly freeSlots: number[] = [];
  private slots = 0;
  /** Each slot's box: which cells list it (the filters live only in the cells' entries). */
  private latMin = new Int32Array(1024);
  private latMax = new Int32Array(1024);
  private west = new Int32Array(1024);
  private east = new Int32Array(1024);
  private sortKey = new Float64Array(1024);
  /** The slots one match found, reused from match to match (no array per candidate or per match). */
  private found = new Int32Array(1024);
  private foundCount = 0;
  private readonly bySortKey = (a: number, b: number): number => {
    const d = this.sortKey[a]! - this.sortKey[b]!;
    if (d !== 0) return d;
    const x = this.idText[a]!;
    const y = this.idText[b]!;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  private readonly rings = new Map<number, Ring>();
  private readonly words = new Map<number, string[]>();
  /** Bathrooms, guests and amenities, for the few searches that ask for them (no array per slot). */
  private readonly extras = new Map<number, Filters>();
  private readonly cells = new Map<number, SearchAreaCellList>();
  private readonly wide = new SearchAreaCellList();
  /** One entry as the cells list it, made once a put. */
  private readonly entry = new Int32Array(STRIDE);

  get size(): number {
    return this.slotOf.size;
  }

  put(search: SearchDefinition): void {
    this.remove(search.id);
    const slot = this.freeSlots.pop() ?? this.slots++;
    this.ensure(slot);
    this.ids.set(slot, search.id);
    this.idText[slot] = search.id;
    this.slotOf.add(search.id, slot);
    const ring = 'polygon' in search.area ? search.area.polygon : null;
    const [w, s, e, n] = ring ? ringBbox(ring) : (search.area as { bbox: [number, number, number, number] }).bbox;
    this.latMin[slot] = encodeLat(s);
    this.latMax[slot] = encodeLat(n);
    this.west[slot] = encodeWestEdge(w);
    this.east[slot] = encodeEastEdge(e);
    const f = search.filters;
    this.sortKey[slot] = idSortKey(search.id);
    let flags = 0;
    if (ring) {
      this.rings.set(slot, ring);
      flags |= HAS_RING;
    }
    if (f.q !== undefined) {
      this.words.set(slot, queryWords(f.q));
      flags |= HAS_WORDS;
    }
    if (f.bathsMin !== undefined || f.guestsMin !== undefined || (f.amenities?.length ?? 0) > 0) {
      flags |= HAS_EXTRAS;
      this.extras.set(slot, { ...(f.bathsMin !== undefined ? { bathsMin: f.bathsMin } : {}), ...(f.guestsMin !== undefined ? { guestsMin: f.guestsMin } : {}), ...(f.amenities ? { amenities: f.amenities } : {}) });
    }
    const typeMask = f.types ? f.types.reduce((m, t) => m | (1 << TYPE_CODE[t]), 0) : 0b111;
    const bedsMin = f.bedsMin === undefined ? NO_BEDROOMS : Math.max(0, Math.min(127, f.bedsMin));
    const entry = this.entry;
    entry[SLOT] = slot;
    entry[LAT_MIN] = this.latMin[slot]!;
    entry[LAT_MAX] = this.latMax[slot]!;
    entry[WEST] = this.west[slot]!;
    entry[EAST] = this.east[slot]!;
    entry[PRICE_MIN] = Math.max(0, Math.min(PRICE_CEILING, f.priceMin ?? 0));
    entry[PRICE_MAX] = Math.max(-1, Math.min(PRICE_CEILING, f.priceMax ?? PRICE_CEILING));
    entry[PACKED] = typeMask | (flags << 3) | ((bedsMin + 1) << 8);
    // Listed in every cell its box touches, or in the wide list.
    this.each(slot, (list) => list.push(entry), true);
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    this.ids.set(slot, '');
    this.idText[slot] = '';
    this.each(slot, (list) => list.drop(slot));
    this.rings.delete(slot);
    this.words.delete(slot);
    this.extras.delete(slot);
    this.freeSlots.push(slot);
  }

  /** The ids of the searches a listing state matches, sorted. */
  match(r: ListingRecord): string[] {
    const latE = encodeLat(r.lat);
    const lonE = encodeLon(r.lon);
    this.foundCount = 0;
    const own = this.cells.get(cellOf(latE) * CELLS + cellOf(lonE));
    if (own) this.test(own, latE, lonE, r);
    if (this.wide.length > 0) this.test(this.wide, latE, lonE, r);
    // Sorted as numbers (idSortKey), ids decoded once each: a string sort of ~840 ids took ~0.4 ms a match.
    const found = this.found.subarray(0, this.foundCount).sort(this.bySortKey);
    const out = new Array<string>(found.length);
    for (let i = 0; i < found.length; i++) out[i] = this.idText[found[i]!]!;
    return out;
  }

  /** Bytes held in typed arrays and the grid (the rings and keyword lists besides), for the benchmarks. */
  get bytes(): number {
    let cells = 0;
    for (const l of this.cells.values()) cells += l.data.byteLength + 48;
    cells += this.found.byteLength;
    const perSlot = this.latMin.byteLength * 4 + this.sortKey.byteLength;
    return this.ids.byteSize + perSlot + cells + this.wide.data.byteLength + this.slotOf.parts().table.byteLength + this.slotOf.parts().hashes.byteLength;
  }

  private test(list: SearchAreaCellList, latE: number, lonE: number, r: ListingRecord): void {
    const price = r.price;
    const type = TYPE_CODE[r.type];
    const beds = r.bedrooms === null ? NO_BEDROOMS : Math.min(127, r.bedrooms);
    const data = list.data;
    const end = list.length * STRIDE;
    for (let at = 0; at < end; at += STRIDE) {
      if (latE < data[at + LAT_MIN]! || latE > data[at + LAT_MAX]!) continue;
      const w = data[at + WEST]!;
      const e = data[at + EAST]!;
      if (w <= e ? lonE < w || lonE > e : lonE < w && lonE > e) continue;
      if (price < data[at + PRICE_MIN]! || price > data[at + PRICE_MAX]!) continue;
      const packed = data[at + PACKED]!;
      if (((packed >> type) & 1) === 0 || beds < ((packed >> 8) & 0xff) - 1) continue;
      const s = data[at + SLOT]!;
      const has = (packed >> 3) & 7;
      if (has !== 0) {
        // Lucene tests the quantized point against the polygon as given; so does this.
        if ((has & HAS_RING) !== 0 && !pointInRing(decodeLon(lonE), decodeLat(latE), this.rings.get(s)!)) continue;
        if ((has & HAS_EXTRAS) !== 0 && !matchesExtras(r, this.extras.get(s)!)) continue;
        if ((has & HAS_WORDS) !== 0 && !textMatches(r, this.words.get(s)!)) continue;
      }
      if (this.foundCount === this.found.length) {
        const grown = new Int32Array(this.found.length * 2);
        grown.set(this.found);
        this.found = grown;
      }
      this.found[this.foundCount++] = s;
    }
  }

  /**
   * The lists a slot belongs in, from its box alone (so nothing per slot records them):
   * the wide list, or every cell the box touches — made when `make` says so.
   */
  private each(slot: number, visit: (list: SearchAreaCellList) => void, make = false): void {
    const y0 = cellOf(this.latMin[slot]!);
    const y1 = cellOf(this.latMax[slot]!);
    const x0 = cellOf(this.west[slot]!);
    const x1 = cellOf(this.east[slot]!);
    // Across the antimeridian the box is its two sides.
    const spans: [number, number][] = x0 <= x1 ? [[x0, x1]] : [[x0, CELLS - 1], [0, x1]];
    const count = spans.reduce((n, [a, b]) => n + (b - a + 1), 0) * (y1 - y0 + 1);
    if (count > MAX_CELLS_PER_AREA) {
      visit(this.wide);
      return;
    }
    for (let y = y0; y <= y1; y++) {
      for (const [a, b] of spans) {
        for (let x = a; x <= b; x++) {
          const key = y * CELLS + x;
          let l = this.cells.get(key);
          if (!l) {
            if (!make) continue;
            l = new SearchAreaCellList();
            this.cells.set(key, l);
          }
          visit(l);
        }
      }
    }
  }

  private ensure(slot: number): void {
    if (slot < this.latMin.length) return;
    const n = this.latMin.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (k: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.latMin = grow(this.latMin, (k) => new Int32Array(k));
    this.latMax = grow(this.latMax, (k) => new Int32Array(k));
    this.west = grow(this.west, (k) => new Int32Array(k));
    this.east = grow(this.east, (k) => new Int32Array(k));
    this.sortKey = grow(this.sortKey, (k) => new Float64Array(k));
  }
}
