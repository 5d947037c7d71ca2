import type { Redis } from 'ioredis';
import type { HolderRegistry } from './holder-registry';
import { RedisHolderRegistry } from './redis-holder-registry';

/**
 * In Redis when the cluster has it (a registration per socket opened is Redis's kind of
 * write); in the store otherwise (`store`, which holds the alerts).
 */
export function holderRegistry(redis: Redis | null, store: HolderRegistry): HolderRegistry {
  return redis ? new RedisHolderRegistry(redis) : store;
}
