import type { Config } from '../config';
import type { HolderRegistry } from './holder-registry';
import { RedisHolderRegistry } from './redis-holder-registry';

/**
 * In Redis when the cluster has it (a registration per socket opened is Redis's kind of
 * write); in the store otherwise (`store`, which holds the alerts). `close` ends what was
 * opened here only: the store is closed with the rest of the record.
 */
export async function openHolderRegistry(config: Config, store: HolderRegistry): Promise<{ registry: HolderRegistry; close(): Promise<void> }> {
  if (!config.REDIS_URL) return { registry: store, close: async () => undefined };
  const redis = new RedisHolderRegistry(config.REDIS_URL);
  await redis.connect();
  return { registry: redis, close: () => redis.close() };
}
