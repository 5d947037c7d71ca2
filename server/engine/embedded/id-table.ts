import type { StringColumn } from './string-column';

/** An empty place in the table; a removed entry leaves TOMBSTONE so later probes go on. */
const EMPTY = 0;
const TOMBSTONE = -1;

/** FNV-1a over the UTF-16 code units, mixed at the end so low bits spread. */
export function hashId(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/**
 * Listing id → slot, as an open-addressing hash table in typed arrays with the ids kept
 * in the index's StringColumn. A Map of ten million ids was about a gigabyte of V8 heap
 * with its strings, died rehashing at Node's default heap, and had to be built again
 * entry by entry at every start; this is two arrays a snapshot writes and reads whole.
 * Each slot's hash is kept so a probe compares numbers and decodes an id only on a match.
 */
export class IdTable {
  /** slot + 1 per place, EMPTY or TOMBSTONE. */
  private table: Int32Array;
  /** The hash of each slot's id. */
  private hashes: Uint32Array;
  private entries: number;
  private used: number;

  constructor(
    private readonly ids: StringColumn,
    parts?: IdTableParts,
  ) {
    this.table = parts?.table ?? new Int32Array(1024);
    this.hashes = parts?.hashes ?? new Uint32Array(1024);
    this.entries = parts?.entries ?? 0;
    this.used = parts?.used ?? 0;
  }

  get size(): number {
    return this.entries;
  }

  get(id: string): number | undefined {
    const h = hashId(id);
    const mask = this.table.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.table[i]!;
      if (e === EMPTY) return undefined;
      if (e !== TOMBSTONE && this.hashes[e - 1] === h && this.ids.get(e - 1) === id) return e - 1;
    }
  }

  /** Maps `id` (already written to the ids column at `slot`) to `slot`; the id must be new. */
  add(id: string, slot: number): void {
    if ((this.used + 1) * 2 > this.table.length) this.resize(this.entries * 2 + 2 > this.table.length ? this.table.length * 2 : this.table.length);
    if (slot >= this.hashes.length) {
      let n = this.hashes.length;
      while (n <= slot) n *= 2;
      const grown = new Uint32Array(n);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    const h = hashId(id);
    this.hashes[slot] = h;
    const mask = this.table.length - 1;
    let i = h & mask;
    while (this.table[i] !== EMPTY && this.table[i] !== TOMBSTONE) i = (i + 1) & mask;
    if (this.table[i] === EMPTY) this.used++;
    this.table[i] = slot + 1;
    this.entries++;
  }

  delete(id: string): void {
    const h = hashId(id);
    const mask = this.table.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.table[i]!;
      if (e === EMPTY) return;
      if (e !== TOMBSTONE && this.hashes[e - 1] === h && this.ids.get(e - 1) === id) {
        this.table[i] = TOMBSTONE;
        this.entries--;
        return;
      }
    }
  }

  parts(): IdTableParts {
    return { table: this.table, hashes: this.hashes, entries: this.entries, used: this.used };
  }

  /** Re-places every entry in a table of `size` places, dropping tombstones. */
  private resize(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    const mask = size - 1;
    for (const e of old) {
      if (e === EMPTY || e === TOMBSTONE) continue;
      let i = this.hashes[e - 1]! & mask;
      while (this.table[i] !== EMPTY) i = (i + 1) & mask;
      this.table[i] = e;
    }
    this.used = this.entries;
  }
}

export interface IdTableParts {
  table: Int32Array;
  hashes: Uint32Array;
  entries: number;
  used: number;
}
