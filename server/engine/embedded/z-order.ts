/** Spreads the bits of a byte apart: abcdefgh → 0a0b0c0d0e0f0g0h. */
const SPREAD = new Uint16Array(256).map((_, v) => {
  let out = 0;
  for (let bit = 0; bit < 8; bit++) if (v & (1 << bit)) out |= 1 << (2 * bit);
  return out;
});

function spread(v: number): number {
  return SPREAD[v & 0xff]! + SPREAD[(v >>> 8) & 0xff]! * 0x10000 + SPREAD[(v >>> 16) & 0xff]! * 0x100000000;
}

/** Most bits per axis: two interleaved make 48, exact in a double. */
export const MAX_Z_BITS = 24;

/** Z-order (Morton) code of tile (x, y): x's bits in the odd places, y's in the even. */
export function morton(x: number, y: number): number {
  return spread(x) * 2 + spread(y);
}

/** The tile of a Morton code made of `bits` bits per axis. */
export function unmorton(code: number, bits: number): [number, number] {
  let x = 0;
  let y = 0;
  for (let bit = 0; bit < bits; bit++) {
    const pair = Math.floor(code / 4 ** bit) % 4;
    if (pair & 2) x += 2 ** bit;
    if (pair & 1) y += 2 ** bit;
  }
  return [x, y];
}
