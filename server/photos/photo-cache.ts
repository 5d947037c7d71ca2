/**
 * Recently served photos in memory, bounded by bytes: the least recently used go first.
 * A listing page asks for the same few photos many times; the store is the truth.
 */
export class PhotoCache<V extends { bytes: Buffer }> {
  private readonly entries = new Map<string, V>();
  private size = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v) {
      // Map order is insertion order: re-inserting marks it the most recent.
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, v: V): void {
    if (v.bytes.length > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.size -= old.bytes.length;
      this.entries.delete(key);
    }
    this.entries.set(key, v);
    this.size += v.bytes.length;
    for (const [k, e] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.entries.delete(k);
      this.size -= e.bytes.length;
    }
  }
}
