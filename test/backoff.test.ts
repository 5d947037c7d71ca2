import { describe, expect, it } from 'vitest';
import { backoff } from '../components/map/live-socket';
import { seededRandom } from '../server/core/seeded-random';

describe('reconnect backoff', () => {
  it('stays between half the minimum and the exponential cap, spread across it, capped at the maximum', () => {
    const rand = seededRandom(9);
    for (let attempt = 0; attempt < 12; attempt++) {
      const cap = Math.min(15_000, 500 * 2 ** attempt);
      const delays = Array.from({ length: 2_000 }, () => backoff(attempt, 500, 15_000, rand));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(250);
      expect(Math.max(...delays)).toBeLessThanOrEqual(cap);
      // Jittered over the window: the spread covers most of it, not one instant.
      if (cap > 250) expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan((cap - 250) * 0.9);
    }
    expect(backoff(0, 500, 15_000, () => 0)).toBe(250);
    expect(backoff(30, 500, 15_000, () => 1)).toBe(15_000);
  });
});
