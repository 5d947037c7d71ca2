import { describe, expect, it } from 'vitest';
import { isoTime } from '../server/core/iso-time';

describe('isoTime', () => {
  it('writes what Date#toISOString writes', () => {
    const day = 86_400_000;
    const edges = [0, 1, 999, 1000, day - 1, day, day + 1, 951_782_400_000 /* 2000-02-29 */, 4_107_542_399_999, 253_402_300_799_999];
    for (const ms of edges) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    // Random times over the years listings carry, and a few days' worth of one day's prefix.
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.floor(next() * 4_102_444_800_000);
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('hands what it does not format itself to toISOString', () => {
    for (const ms of [-1, -86_400_001, 253_402_300_800_000, 8.64e15, 1.5]) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    expect(() => isoTime(Number.NaN)).toThrow(RangeError);
  });
});
