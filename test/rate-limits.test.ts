/**
 * Request budgets (ops/rate-limit.ts) on their own, in memory and across two nodes through
 * a real redis-server of our own, and the socket frame budget against a simple model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimits } from '../server/ops/rate-limit';
import { firstConnect, redisCommands } from '../server/redis-client';
import { FrameBudget } from '../server/realtime/frame-budget';
import { RedisServer } from './helpers/redis-server';

/** Takes `n` of a budget; how many were allowed. */
async function spend(limits: RateLimits<'search'>, key: string, n: number): Promise<number> {
  let ok = 0;
  for (let i = 0; i < n; i++) if ((await limits.take('search', key)).ok) ok++;
  return ok;
}

describe('request budgets', () => {
  it('in memory: twice the rate in a burst, then refused with the seconds to wait, per address', async () => {
    const limits = new RateLimits({ search: 3 });
    expect(limits.scope).toBe('node');
    expect(await spend(limits, 'a', 10)).toBe(6);
    const refused = await limits.take('search', 'a');
    expect(refused).toEqual({ ok: false, retryAfterS: expect.any(Number) });
    expect(refused.ok === false && refused.retryAfterS).toBeGreaterThanOrEqual(1);
    expect(refused.ok === false && refused.retryAfterS).toBeLessThanOrEqual(2);
    expect(await spend(limits, 'b', 1)).toBe(1);
  });

  it('in memory: the budget comes back once its window has passed', async () => {
    const limits = new RateLimits({ search: 1 });
    expect(await spend(limits, 'a', 3)).toBe(2);
    await new Promise((r) => setTimeout(r, 2_100));
    expect(await spend(limits, 'a', 3)).toBe(2);
  });

  describe('with Redis', () => {
    let redis: RedisServer;
    beforeAll(async () => {
      redis = await RedisServer.start();
    });
    afterAll(async () => {
      await redis.kill();
    });

    it('two nodes share one budget per address', async () => {
      const clients = [redisCommands(redis.url), redisCommands(redis.url)];
      for (const c of clients) await firstConnect(c);
      const a = new RateLimits({ search: 5 }, clients[0]);
      const b = new RateLimits({ search: 5 }, clients[1]);
      expect(a.scope).toBe('cluster');
      const key = `client-${Date.now()}`;
      const fromA = await spend(a, key, 6);
      const fromB = await spend(b, key, 10);
      expect(fromA).toBe(6);
      expect(fromA + fromB).toBe(10);
      for (const c of clients) c.disconnect();
    });

    it('with Redis gone each node counts on its own, and nothing fails', async () => {
      const clients = [redisCommands(redis.url), redisCommands(redis.url)];
      for (const c of clients) await firstConnect(c);
      const a = new RateLimits({ search: 2 }, clients[0]);
      const b = new RateLimits({ search: 2 }, clients[1]);
      await redis.kill();
      expect(await spend(a, 'c', 6)).toBe(4);
      expect(await spend(b, 'c', 6)).toBe(4);
      for (const c of clients) c.disconnect();
      await redis.restart();
    });
  });
});

describe('frame budget', () => {
  it('allows as a token bucket of twice the rate refilled at the rate would', () => {
    // The model: tokens over time, computed step by step in whole milliseconds.
    const rate = 4;
    const budget = new FrameBudget(rate);
    const start = Date.now();
    let tokens = rate * 2;
    let last = start;
    const times = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200, 250, 260, 600, 1_000, 1_001, 3_000, 3_000, 3_000, 3_000, 3_000, 3_000, 3_000, 3_000, 3_000];
    for (const t of times) {
      const now = start + t;
      tokens = Math.min(rate * 2, tokens + ((now - last) * rate) / 1000);
      last = now;
      const want = tokens >= 1;
      if (want) tokens -= 1;
      expect(budget.take(now) === 'ok', `at ${t} ms`).toBe(want);
    }
  });

  it('a socket that keeps over its budget runs out of strikes and is to be closed; one now and then is not', () => {
    const rate = 10;
    const start = Date.now();
    // Twice the rate for ten seconds: a burst's worth of strikes within a few seconds.
    const flood = new FrameBudget(rate, start);
    let closedAt: number | null = null;
    for (let ms = 0; ms < 10_000 && closedAt === null; ms += 1000 / (rate * 2)) {
      if (flood.take(start + ms) === 'close') closedAt = ms;
    }
    expect(closedAt).not.toBeNull();
    expect(closedAt!).toBeLessThan(6_000);
    // A burst past the budget once a second for a minute: told, never closed.
    const bursty = new FrameBudget(rate, start);
    const verdicts = new Set<string>();
    for (let s = 0; s < 60; s++) for (let i = 0; i < rate + 3; i++) verdicts.add(bursty.take(start + s * 1000 + i));
    expect(verdicts).toEqual(new Set(['ok', 'over']));
  });

  it('a run of refused frames is told once, however many milliseconds apart they arrive', () => {
    const start = Date.now();
    const budget = new FrameBudget(1, start);
    const told: number[] = [];
    for (let ms = 0; ms < 5; ms++) if (budget.take(start + ms) !== 'ok' && budget.firstStrike) told.push(ms);
    expect(told).toEqual([2]);
    // Once the strikes have drained (at half the rate: two seconds each here), a new run is told again.
    expect(budget.take(start + 60_000) === 'ok').toBe(true);
    budget.take(start + 60_000);
    expect(budget.take(start + 60_000)).toBe('over');
    expect(budget.firstStrike).toBe(true);
  });
});
