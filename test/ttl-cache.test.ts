import { describe, expect, it } from 'vitest';
import { cachedFor } from '../server/core/ttl-cache';

/** A computation the test settles by hand, counting how often it was started. */
function controlled() {
  const started: { resolve(v: number): void; reject(e: Error): void }[] = [];
  const compute = () => new Promise<number>((resolve, reject) => started.push({ resolve, reject }));
  return { started, compute };
}

describe('cachedFor', () => {
  it('computes once per TTL; after it, the old value serves while the next is computed', async () => {
    let clock = 0;
    const { started, compute } = controlled();
    const get = cachedFor(1_000, compute, () => clock);
    const first = get();
    expect(started).toHaveLength(1);
    started[0]!.resolve(1);
    expect(await first).toBe(1);
    clock = 999;
    expect(await get()).toBe(1);
    expect(started).toHaveLength(1);
    clock = 1_001;
    // Expired: answered at once with the old value, one refresh started, not one per call.
    expect(await get()).toBe(1);
    expect(await get()).toBe(1);
    expect(started).toHaveLength(2);
    started[1]!.resolve(2);
    await new Promise((r) => setTimeout(r, 0));
    expect(await get()).toBe(2);
    expect(started).toHaveLength(2);
  });

  it('forgets a failure: the first failed value is not served again, a failed refresh keeps the old one', async () => {
    let clock = 0;
    const { started, compute } = controlled();
    const get = cachedFor(1_000, compute, () => clock);
    const failing = get();
    started[0]!.reject(new Error('engine down'));
    await expect(failing).rejects.toThrow('engine down');
    const next = get();
    expect(started).toHaveLength(2);
    started[1]!.resolve(7);
    expect(await next).toBe(7);
    clock = 2_000;
    expect(await get()).toBe(7);
    started[2]!.reject(new Error('engine down'));
    await new Promise((r) => setTimeout(r, 0));
    expect(await get()).toBe(7);
    expect(started).toHaveLength(4);
  });
});
