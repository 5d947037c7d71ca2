import { Redis } from 'ioredis';

/** Longest wait between reconnect attempts to Redis; the first ones come quickly. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/** How every Redis connection of a node backs off while Redis is away. */
export function redisRetry(attempt: number): number {
  return Math.min(50 * 2 ** Math.min(attempt, 6), MAX_RECONNECT_DELAY_MS);
}

/**
 * Resolves once the connection is ready, or has failed its first attempt, or after
 * `timeoutMs`: a node starts with Redis away (its users fall back), never waits for it.
 */
export function firstConnect(redis: Redis, timeoutMs = 2_000): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    function done(): void {
      clearTimeout(timer);
      redis.off('ready', done).off('error', done);
      resolve();
    }
    redis.once('ready', done).once('error', done);
  });
}

/**
 * A node's connection for Redis commands (the holders registry, the rate limits): it fails
 * a command at once while Redis is away, instead of queueing it for the reconnect, so each
 * caller falls back at once (ringing every node, counting in memory). The bus keeps its
 * own two connections: a subscribed connection can do nothing else.
 */
export function redisCommands(url: string): Redis {
  // Not auto-pipelined: ioredis then sends one pipeline at a time and waits for its replies
  // before the next, so a slow round trip holds up every command behind it (tried on
  // 2026-12-07, one run each on a loaded machine: bench:messages p50 0.09 s without, 5.6 s
  // with, while Socket.IO beside it kept 4 ms — not a clean A/B, but no gain to keep it for).
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, retryStrategy: redisRetry });
  // Said by whoever uses it (a failed command); the connection's own errors are its retries.
  redis.on('error', () => undefined);
  return redis;
}
