import type { Redis } from 'ioredis';
import type { HolderRegistry } from './holder-registry';

const key = (session: string) => `roost:holders:${session}`;

/**
 * Holders in Redis (REDIS_URL): one sorted set per session, its nodes scored by when
 * their registration lapses (the registering node's clock: hosts' clocks must agree to
 * well within the time to live, which NTP gives). The set itself expires when no node
 * renews it, so a renter who left costs nothing.
 */
export class RedisHolderRegistry implements HolderRegistry {
  /** A command connection (redis-client.ts): while Redis is away the caller rings every node. */
  constructor(private readonly redis: Redis) {}

  async hold(node: string, sessions: string[], ttlMs: number): Promise<void> {
    if (sessions.length === 0) return;
    const now = Date.now();
    const p = this.redis.pipeline();
    // Renewals are most of this registry's traffic (every socket, every few seconds), so
    // they carry two commands, not three: a lapsed node's entry is ignored by `holders`
    // (it reads by score) and swept when a socket of that session closes (unhold).
    for (const s of sessions) {
      p.zadd(key(s), now + ttlMs, node);
      p.pexpire(key(s), ttlMs);
    }
    await p.exec();
  }

  async unhold(node: string, sessions: string[]): Promise<void> {
    if (sessions.length === 0) return;
    const now = Date.now();
    const p = this.redis.pipeline();
    for (const s of sessions) {
      p.zrem(key(s), node);
      p.zremrangebyscore(key(s), '-inf', now);
    }
    await p.exec();
  }

  async holders(sessions: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (sessions.length === 0) return out;
    const now = Date.now();
    const p = this.redis.pipeline();
    for (const s of sessions) p.zrangebyscore(key(s), now, '+inf');
    const replies = (await p.exec()) ?? [];
    replies.forEach(([err, nodes], i) => {
      if (err) throw err;
      if ((nodes as string[]).length > 0) out.set(sessions[i]!, nodes as string[]);
    });
    return out;
  }
}
