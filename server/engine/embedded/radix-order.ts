function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * Stable LSD radix sort by non-negative integer keys below 4096^passes, no comparator
 * calls: the order of `keys`' indices. `start` (default: identity) is the order to refine,
 * so sorts chain into a multi-key sort when the least significant key goes first.
 */
export function radixOrder(keys: Float64Array, passes = 3, start?: Int32Array): Int32Array {
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
