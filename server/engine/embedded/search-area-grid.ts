import { encodeEastEdge, encodeLat, encodeLon, encodeWestEdge, decodeLat, decodeLon } from '../../core/geotile';
import type { ListingRecord } from '../../core/listing';
import { pointInRing, ringBbox } from '../../core/polygon';
import { queryWords, textMatches } from '../../core/text-match';
import type { Filters, Ring, SearchDefinition } from '../search-engine';
import { matchesExtras } from '../../core/area-match';
import { NO_BEDROOMS, TYPE_CODE } from './filter-kernels';
import { IdTable } from './id-table';
import { StringColumn } from './string-column';

/**
 * Grid cells are this many low bits of Lucene's 32-bit encodings wide: 4,096 cells a
 * side, about 7 × 5 km at New York — a saved map view at zoom 14–16 or a drawn block
 * lies in one to four of them, so a listing's cell lists few searches that do not hold it.
 */
const CELL_SHIFT = 20;
const CELLS = 1 << (32 - CELL_SHIFT);
/** Areas over more cells than this (a whole country) are kept in one list every match reads. */
const MAX_CELLS_PER_AREA = 256;
const PRICE_CEILING = 2 ** 30 - 1;

function cellOf(encoded: number): number {
  // Encodings run from -2^31: shift them to 0..2^32 first.
  return Math.floor((encoded + 2 ** 31) / 2 ** CELL_SHIFT);
}

/** A growable list of slots. */
class SlotList {
  data = new Int32Array(4);
  length = 0;
  push(slot: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = slot;
  }
  /** Drops one slot (order need not be kept). */
  drop(slot: number): void {
    for (let i = 0; i < this.length; i++) {
      if (this.data[i] === slot) {
        this.data[i] = this.data[--this.length]!;
        return;
      }
    }
  }
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
  private readonly slotOf = new IdTable(this.ids);
  private readonly freeSlots: number[] = [];
  private slots = 0;
  private latMin = new Int32Array(1024);
  private latMax = new Int32Array(1024);
  private west = new Int32Array(1024);
  private east = new Int32Array(1024);
  private priceMin = new Int32Array(1024);
  private priceMax = new Int32Array(1024);
  private typeMask = new Uint8Array(1024);
  private bedsMin = new Int8Array(1024);
  private readonly rings = new Map<number, Ring>();
  private readonly words = new Map<number, string[]>();
  /** Bathrooms, guests and amenities, for the few searches that ask for them (no array per slot). */
  private readonly extras = new Map<number, Filters>();
  private readonly cells = new Map<number, SlotList>();
  private readonly wide = new SlotList();

  get size(): number {
    return this.slotOf.size;
  }

  put(search: SearchDefinition): void {
    this.remove(search.id);
    const slot = this.freeSlots.pop() ?? this.slots++;
    this.ensure(slot);
    this.ids.set(slot, search.id);
    this.slotOf.add(search.id, slot);
    const ring = 'polygon' in search.area ? search.area.polygon : null;
    const [w, s, e, n] = ring ? ringBbox(ring) : (search.area as { bbox: [number, number, number, number] }).bbox;
    this.latMin[slot] = encodeLat(s);
    this.latMax[slot] = encodeLat(n);
    this.west[slot] = encodeWestEdge(w);
    this.east[slot] = encodeEastEdge(e);
    const f = search.filters;
    this.priceMin[slot] = Math.max(0, Math.min(PRICE_CEILING, f.priceMin ?? 0));
    this.priceMax[slot] = Math.max(-1, Math.min(PRICE_CEILING, f.priceMax ?? PRICE_CEILING));
    this.typeMask[slot] = f.types ? f.types.reduce((m, t) => m | (1 << TYPE_CODE[t]), 0) : 0b111;
    this.bedsMin[slot] = f.bedsMin === undefined ? NO_BEDROOMS : Math.max(0, Math.min(127, f.bedsMin));
    if (ring) this.rings.set(slot, ring);
    if (f.q !== undefined) this.words.set(slot, queryWords(f.q));
    if (f.bathsMin !== undefined || f.guestsMin !== undefined || (f.amenities?.length ?? 0) > 0) {
      this.extras.set(slot, { ...(f.bathsMin !== undefined ? { bathsMin: f.bathsMin } : {}), ...(f.guestsMin !== undefined ? { guestsMin: f.guestsMin } : {}), ...(f.amenities ? { amenities: f.amenities } : {}) });
    }
    this.list(slot);
  }

  remove(id: string): void {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    this.slotOf.delete(id);
    this.ids.set(slot, '');
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
    const out: string[] = [];
    const own = this.cells.get(cellOf(latE) * CELLS + cellOf(lonE));
    if (own) this.test(own, latE, lonE, r, out);
    if (this.wide.length > 0) this.test(this.wide, latE, lonE, r, out);
    return out.sort();
  }

  /** Bytes held in typed arrays and the grid (the rings and keyword lists besides), for the benchmarks. */
  get bytes(): number {
    let cells = 0;
    for (const l of this.cells.values()) cells += l.data.byteLength + 48;
    const perSlot = this.latMin.byteLength * 6 + this.typeMask.byteLength * 2;
    return this.ids.byteSize + perSlot + cells + this.wide.data.byteLength + this.slotOf.parts().table.byteLength + this.slotOf.parts().hashes.byteLength;
  }

  private test(list: SlotList, latE: number, lonE: number, r: ListingRecord, out: string[]): void {
    const { latMin, latMax, west, east, priceMin, priceMax, typeMask, bedsMin } = this;
    const price = r.price;
    const type = TYPE_CODE[r.type];
    const beds = r.bedrooms === null ? NO_BEDROOMS : Math.min(127, r.bedrooms);
    const data = list.data;
    for (let i = 0; i < list.length; i++) {
      const s = data[i]!;
      if (latE < latMin[s]! || latE > latMax[s]!) continue;
      const w = west[s]!;
      const e = east[s]!;
      if (w <= e ? lonE < w || lonE > e : lonE < w && lonE > e) continue;
      if (price < priceMin[s]! || price > priceMax[s]! || ((typeMask[s]! >> type) & 1) === 0 || beds < bedsMin[s]!) continue;
      const ring = this.rings.get(s);
      // Lucene tests the quantized point against the polygon as given; so does this.
      if (ring && !pointInRing(decodeLon(lonE), decodeLat(latE), ring)) continue;
      const extra = this.extras.get(s);
      if (extra && !matchesExtras(r, extra)) continue;
      const wanted = this.words.get(s);
      if (wanted && !textMatches(r, wanted)) continue;
      out.push(this.ids.get(s));
    }
  }

  /** Lists the slot in every cell its box touches, or in the wide list. */
  private list(slot: number): void {
    this.each(slot, (list) => list.push(slot), true);
  }

  /**
   * The lists a slot belongs in, from its box alone (so nothing per slot records them):
   * the wide list, or every cell the box touches — made when `make` says so.
   */
  private each(slot: number, visit: (list: SlotList) => void, make = false): void {
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
            l = new SlotList();
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
    const grow = <T extends Int32Array | Uint8Array | Int8Array>(a: T, make: (k: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.latMin = grow(this.latMin, (k) => new Int32Array(k));
    this.latMax = grow(this.latMax, (k) => new Int32Array(k));
    this.west = grow(this.west, (k) => new Int32Array(k));
    this.east = grow(this.east, (k) => new Int32Array(k));
    this.priceMin = grow(this.priceMin, (k) => new Int32Array(k));
    this.priceMax = grow(this.priceMax, (k) => new Int32Array(k));
    this.typeMask = grow(this.typeMask, (k) => new Uint8Array(k));
    this.bedsMin = grow(this.bedsMin, (k) => new Int8Array(k));
  }
}
