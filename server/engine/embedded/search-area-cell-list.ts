/**
 * Where each value sits in an entry (Int32s; `stride` per entry): slot, lat min/max, west,
 * east, price min/max, and the packed rest — type mask (bits 0–2), what else to test
 * (bits 3–5), minimum bedrooms + 1 (bits 8–15). One object, to be copied into module
 * constants where used: under tsx (CommonJS) an imported `const` is a getter on the
 * exports, and a getter call per read was over half the cost of a scan.
 */
export const ENTRY = { stride: 8, slot: 0, latMin: 1, latMax: 2, west: 3, east: 4, priceMin: 5, priceMax: 6, packed: 7 } as const;
const { stride: STRIDE, slot: SLOT } = ENTRY;

/**
 * The searches one grid cell lists, each with a copy of what a listing is tested against,
 * side by side. A listing's cell holds thousands of searches in a city; tested through
 * per-slot arrays, each was up to eight cache misses at random places (~95 ns a
 * candidate at a million searches); read in order here, the next entries are on their way
 * from memory while one is tested. The copy costs 32 bytes an entry instead of 4.
 */
export class SearchAreaCellList {
  data = new Int32Array(STRIDE * 2);
  /** Entries, not Int32s. */
  length = 0;

  /** Appends an entry; `entry` holds STRIDE values in the order above. */
  push(entry: ArrayLike<number>): void {
    if ((this.length + 1) * STRIDE > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const at = this.length++ * STRIDE;
    for (let k = 0; k < STRIDE; k++) this.data[at + k] = entry[k]!;
  }

  /** Drops a slot's entry (order need not be kept): the last entry takes its place. */
  drop(slot: number): void {
    const data = this.data;
    for (let i = 0; i < this.length; i++) {
      const at = i * STRIDE;
      if (data[at + SLOT] === slot) {
        const last = --this.length * STRIDE;
        if (last !== at) data.copyWithin(at, last, last + STRIDE);
        return;
      }
    }
  }
}
