/**
 * Strings by slot in one UTF-8 byte buffer with each slot's start and length, instead of a
 * JS string per slot: ten million titles as strings were ~700 MB of V8 heap that every
 * full GC walked, and a snapshot of them had to make ten million strings again at start.
 * Here they are three typed arrays, written to and read from disk as they are. A string
 * is decoded when asked for (a pin's title: ~0.1 µs). A changed slot's old bytes stay
 * behind as garbage until `compact` rewrites the buffer.
 */
export class StringColumn {
  private bytes: Buffer;
  private used: number;
  /** Byte offset of each slot's string (float64: the buffer may pass 4 GB). */
  private start: Float64Array;
  private length: Uint32Array;
  private garbage = 0;

  constructor(parts?: StringColumnParts) {
    this.bytes = parts ? Buffer.from(parts.bytes.buffer, parts.bytes.byteOffset, parts.bytes.byteLength) : Buffer.alloc(1 << 16);
    this.used = parts ? (parts.used ?? parts.bytes.byteLength) : 0;
    this.start = parts?.start ?? new Float64Array(1024);
    this.length = parts?.length ?? new Uint32Array(1024);
  }

  get(slot: number): string {
    const n = this.length[slot] ?? 0;
    if (n === 0) return '';
    const a = this.start[slot]!;
    return this.bytes.toString('utf8', a, a + n);
  }

  /**
   * Slot a's string against slot b's, by their UTF-8 bytes, without decoding either: the
   * order of code points, which is JavaScript's `<` for ASCII strings such as ids
   * (listingIdSchema). Negative, zero or positive.
   */
  compare(a: number, b: number): number {
    // A plain loop: ids are a few bytes, and Buffer#compare's argument checks cost more than that.
    const bytes = this.bytes;
    const sa = this.start[a]!;
    const sb = this.start[b]!;
    const na = this.length[a]!;
    const nb = this.length[b]!;
    const n = na < nb ? na : nb;
    for (let i = 0; i < n; i++) {
      const d = bytes[sa + i]! - bytes[sb + i]!;
      if (d !== 0) return d;
    }
    return na - nb;
  }

  set(slot: number, s: string): void {
    this.ensureSlot(slot);
    this.garbage += this.length[slot]!;
    if (s.length === 0) {
      this.length[slot] = 0;
      return;
    }
    // At most 3 bytes per UTF-16 unit; writing first and measuring saves a byteLength pass.
    this.ensureBytes(this.used + s.length * 3);
    const n = this.bytes.write(s, this.used, 'utf8');
    this.start[slot] = this.used;
    this.length[slot] = n;
    this.used += n;
    if (this.garbage > (1 << 20) && this.garbage > this.used / 2) this.compact();
  }

  /** Bytes held, garbage included (for /metrics and the benchmarks). */
  get byteSize(): number {
    return this.bytes.byteLength + this.start.byteLength + this.length.byteLength;
  }

  /** Rewrites the buffer without the bytes no slot points at any more. */
  compact(): void {
    const live = this.used - this.garbage;
    const out = Buffer.allocUnsafe(Math.max(1 << 16, Math.ceil(live * 1.25)));
    let at = 0;
    for (let slot = 0; slot < this.length.length; slot++) {
      const n = this.length[slot]!;
      if (n === 0) continue;
      const a = this.start[slot]!;
      this.bytes.copy(out, at, a, a + n);
      this.start[slot] = at;
      at += n;
    }
    this.bytes = out;
    this.used = at;
    this.garbage = 0;
  }

  /** The arrays as they are, for a snapshot: the bytes without garbage (compacts first). */
  parts(slots: number): StringColumnParts {
    if (this.garbage > 0) this.compact();
    return {
      bytes: new Uint8Array(this.bytes.buffer, this.bytes.byteOffset, this.used),
      start: this.start.subarray(0, slots),
      length: this.length.subarray(0, slots),
    };
  }

  private ensureSlot(slot: number): void {
    if (slot < this.length.length) return;
    let n = this.length.length;
    while (n <= slot) n *= 2;
    const start = new Float64Array(n);
    start.set(this.start);
    this.start = start;
    const length = new Uint32Array(n);
    length.set(this.length);
    this.length = length;
  }

  private ensureBytes(n: number): void {
    if (n <= this.bytes.byteLength) return;
    // An eighth more once large: half a gigabyte of titles grown by half again on one write
    // would be a stall and 800 MB at once.
    const grown = Buffer.allocUnsafe(Math.max(n, Math.ceil(this.bytes.byteLength * (this.bytes.byteLength > 64 << 20 ? 1.125 : 1.5))));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}

export interface StringColumnParts {
  /** The strings' bytes (and room after them, when `used` says how many are taken). */
  bytes: Uint8Array;
  used?: number;
  start: Float64Array;
  length: Uint32Array;
}
