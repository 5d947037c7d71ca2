import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { log } from '../log';

/**
 * A budget is counted over this window and may be spent at once: RATE_*_PER_S × 2 a
 * client may send in a burst, and no more than that every 2 s.
 */
const WINDOW_S = 2;

export type Took = { ok: true } | { ok: false; retryAfterS: number };

/** What a capability needs of the limits: to spend one of some budgets (a RateLimits with more budgets serves). */
export interface Limiter<B extends string> {
  take(budget: B, key: string): Promise<Took>;
}

/**
 * Request budgets per client address, by rate-limiter-flexible. With Redis (REDIS_URL)
 * they are counted there, across the cluster: a client gets its limit from all nodes
 * together, not once per node. While Redis is away each node counts in its own memory
 * (the library's insurance limiter), so an outage loosens the limit and never refuses
 * or fails a request for it. Without Redis (one node, or a RabbitMQ or RocketMQ bus) the
 * counts are per node.
 */
export class RateLimits<B extends string> {
  readonly scope: 'cluster' | 'node';
  private readonly limiters = new Map<B, RateLimiterAbstract>();

  /**
   * Each budget: a rate per second (counted over WINDOW_S, as searches and writes are), or
   * so many points per so many seconds (sign-in mails an hour).
   * `redis`: a command connection (redis-client.ts), so a count fails at once while Redis is away.
   */
  constructor(budgets: Record<B, number | { points: number; durationS: number }>, redis: Redis | null = null) {
    this.scope = redis ? 'cluster' : 'node';
    for (const budget of Object.keys(budgets) as B[]) {
      const b = budgets[budget];
      const options =
        typeof b === 'number'
          ? { keyPrefix: `roost:rate:${budget}`, points: Math.max(1, Math.round(b * WINDOW_S)), duration: WINDOW_S }
          : { keyPrefix: `roost:rate:${budget}`, points: Math.max(1, b.points), duration: b.durationS };
      this.limiters.set(
        budget,
        redis
          ? new RateLimiterRedis({
              ...options,
              storeClient: redis,
              insuranceLimiter: new RateLimiterMemory(options),
              // A client past its budget is refused from memory for the rest of the window:
              // a flood costs Redis nothing.
              inMemoryBlockOnConsumed: options.points + 1,
            })
          : new RateLimiterMemory(options),
      );
    }
  }

  /** Spends one of `key`'s `budget`; when none is left, how many seconds until there is. */
  async take(budget: B, key: string): Promise<Took> {
    try {
      await this.limiters.get(budget)!.consume(key);
      return { ok: true };
    } catch (err) {
      if (err instanceof RateLimiterRes) return { ok: false, retryAfterS: Math.max(1, Math.ceil(err.msBeforeNext / 1000)) };
      // Neither Redis nor the insurance could count: let the request through, and say so.
      log.warn({ err: (err as Error).message, budget }, 'rate limit not counted');
      return { ok: true };
    }
  }
}
