import { indexTerms } from '../../core/text-match';

/**
 * A growable list of (slot, generation) pairs: an Int32Array rather than a JS array,
 * a quarter of the memory per posting at a million listings.
 */
interface Postings {
  data: Int32Array;
  length: number;
  /** `TextIndex.retired` when last compacted: equal means no entry can be stale. */
  compactedAt: number;
}

/**
 * Which listing slots hold which terms (title and description, as `core/text-match`'s
 * indexTerms makes them: words, Chinese characters and pairs), for the keyword filter `q`.
 * The text itself is not kept: the store has it.
 *
 * Postings are append-only with a generation per slot: a changed or removed listing bumps
 * its slot's generation, and entries of older generations are dropped when a list is
 * next read or must grow. An update then costs its new words only, never a search of
 * the lists its old words were in.
 */
export class TextIndex {
  private readonly postings = new Map<string, Postings>();
  private generation = new Int32Array(1024);
  /** Generation 0 is "nothing indexed": a slot's first put makes it 1. */
  private live = new Uint8Array(1024);
  /** Entries made stale so far (a slot removed or re-put); reads compact only after one. */
  private retired = 0;

  put(slot: number, title: string, description: string | undefined): void {
    this.ensure(slot);
    if (this.generation[slot]! > 0) this.retired++;
    const gen = ++this.generation[slot]!;
    this.live[slot] = 1;
    const text = description ? `${title} ${description}` : title;
    for (const w of indexTerms(text)) {
      let p = this.postings.get(w);
      if (!p) {
        p = { data: new Int32Array(4), length: 0, compactedAt: this.retired };
        this.postings.set(w, p);
      }
      // A word said twice: its list already ends with this put (cheaper than a Set per put).
      if (p.length > 0 && p.data[p.length - 2] === slot && p.data[p.length - 1] === gen) continue;
      if (p.length + 2 > p.data.length) this.compactOrGrow(p);
      p.data[p.length++] = slot;
      p.data[p.length++] = gen;
    }
  }

  remove(slot: number): void {
    if (slot >= this.live.length) return;
    this.generation[slot]!++;
    this.live[slot] = 0;
    this.retired++;
  }

  /** The live slots whose text holds every word, ascending. Empty `wanted` is refused by callers. */
  match(wanted: readonly string[]): Int32Array {
    const lists: Postings[] = [];
    for (const w of wanted) {
      const p = this.postings.get(w);
      if (!p) return new Int32Array(0);
      this.compact(p);
      if (p.length === 0) return new Int32Array(0);
      lists.push(p);
    }
    // The rarest word picks the candidates; each other word is one pass marking its slots.
    lists.sort((a, b) => a.length - b.length);
    const first = lists[0]!;
    let candidates = new Int32Array(first.length / 2);
    for (let i = 0; i < first.length; i += 2) candidates[i / 2] = first.data[i]!;
    // Each other word: a pass setting its slots' marks, one keeping the candidates marked
    // and one clearing the marks again, so no slot-sized array is allocated or filled.
    for (let k = 1; k < lists.length && candidates.length > 0; k++) {
      const p = lists[k]!;
      const mark = this.marks();
      for (let i = 0; i < p.length; i += 2) mark[p.data[i]!] = 1;
      let kept = 0;
      for (let i = 0; i < candidates.length; i++) if (mark[candidates[i]!] === 1) candidates[kept++] = candidates[i]!;
      for (let i = 0; i < p.length; i += 2) mark[p.data[i]!] = 0;
      candidates = candidates.subarray(0, kept);
    }
    // Lists are appended in slot order until slots are reused: usually sorted already, and
    // sorting a million sorted slots anyway was ~60 ms of a common word's first search at 10M.
    for (let i = 1; i < candidates.length; i++) if (candidates[i - 1]! > candidates[i]!) return candidates.sort();
    return candidates;
  }

  private markBuffer = new Uint8Array(0);

  /** A zeroed byte per slot, kept between queries (every user leaves it zeroed). */
  private marks(): Uint8Array {
    if (this.markBuffer.length < this.live.length) this.markBuffer = new Uint8Array(this.live.length);
    return this.markBuffer;
  }

  /**
   * Every list compacted and laid end to end, for a snapshot: word i's (slot, generation)
   * pairs are `data[offsets[i]..offsets[i+1])`.
   */
  parts(): TextIndexParts {
    const words: string[] = [];
    let total = 0;
    for (const [w, p] of this.postings) {
      this.compact(p);
      if (p.length === 0) continue;
      words.push(w);
      total += p.length;
    }
    const offsets = new Float64Array(words.length + 1);
    const data = new Int32Array(total);
    let at = 0;
    words.forEach((w, i) => {
      const p = this.postings.get(w)!;
      data.set(p.data.subarray(0, p.length), at);
      at += p.length;
      offsets[i + 1] = at;
    });
    return { words, offsets, data, generation: this.generation, live: this.live };
  }

  /** The index a snapshot's parts describe; each list is a view of `data` until it grows. */
  static fromParts(parts: TextIndexParts): TextIndex {
    const t = new TextIndex();
    if (parts.generation.length !== parts.live.length) throw new Error('text index: generation and live differ in length');
    t.generation = parts.generation;
    t.live = parts.live;
    parts.words.forEach((w, i) => {
      const a = parts.offsets[i]!;
      const b = parts.offsets[i + 1]!;
      t.postings.set(w, { data: parts.data.subarray(a, b), length: b - a, compactedAt: 0 });
    });
    return t;
  }

  /** Distinct words indexed (for tests and /metrics). */
  get size(): number {
    return this.postings.size;
  }

  private ensure(slot: number): void {
    if (slot < this.live.length) return;
    let n = this.live.length;
    while (n <= slot) n *= 2;
    const g = new Int32Array(n);
    g.set(this.generation);
    this.generation = g;
    const l = new Uint8Array(n);
    l.set(this.live);
    this.live = l;
  }

  /** Drops the entries of older generations and of removed slots, in place. */
  private compact(p: Postings): void {
    if (p.compactedAt === this.retired) return;
    p.compactedAt = this.retired;
    const { data } = p;
    let out = 0;
    for (let i = 0; i < p.length; i += 2) {
      const slot = data[i]!;
      const gen = data[i + 1]!;
      if (this.live[slot] === 1 && this.generation[slot] === gen) {
        data[out++] = slot;
        data[out++] = gen;
      }
    }
    p.length = out;
  }

  private compactOrGrow(p: Postings): void {
    this.compact(p);
    // Grow only when compacting freed less than a quarter: keeps appends amortised O(1).
    if (p.length + 2 > p.data.length * 0.75) {
      const grown = new Int32Array(p.data.length * 2);
      grown.set(p.data.subarray(0, p.length));
      p.data = grown;
    }
  }
}

/** A TextIndex as arrays (TextIndex.parts). */
export interface TextIndexParts {
  words: string[];
  offsets: Float64Array;
  data: Int32Array<ArrayBuffer>;
  generation: Int32Array<ArrayBuffer>;
  live: Uint8Array<ArrayBuffer>;
}
