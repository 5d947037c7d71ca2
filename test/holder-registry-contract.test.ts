import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HolderRegistry } from '../server/alerts/holder-registry';
import { RedisHolderRegistry } from '../server/alerts/redis-holder-registry';
import { SqliteAlertStore } from '../server/alerts/sqlite-alert-store';
import { redisCommands } from '../server/redis-client';
import { PostgresAlertStore } from '../server/store/postgres/postgres-alert-store';
import { RedisServer } from './helpers/redis-server';
import { storeLegs } from './helpers/store-legs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every HolderRegistry: Redis (a cluster with REDIS_URL), and the alert stores (without it). */
interface Leg {
  name: string;
  open(): Promise<HolderRegistry>;
  done(): Promise<void>;
}

let redis: RedisServer | null = null;
let client: ReturnType<typeof redisCommands> | null = null;
const legs: Leg[] = [
  {
    name: 'Redis',
    open: async () => {
      redis = await RedisServer.start();
      client = redisCommands(redis.url);
      await new Promise((r) => client!.once('ready', r));
      return new RedisHolderRegistry(client);
    },
    done: async () => {
      client?.disconnect();
      await redis?.kill();
    },
  },
  ...storeLegs<HolderRegistry>('Holder registry', { sqlite: (dir) => new SqliteAlertStore(dir), postgres: (pool) => new PostgresAlertStore(pool) }),
];

for (const leg of legs) {
  describe(`holder registry contract — ${leg.name}`, () => {
    let reg: HolderRegistry;
    beforeAll(async () => {
      reg = await leg.open();
    });
    afterAll(async () => leg.done());

    it('names every node holding a session, and leaves out sessions nobody holds', async () => {
      await reg.hold('node-a', ['s1', 's2'], 10_000);
      await reg.hold('node-b', ['s2'], 10_000);
      const held = await reg.holders(['s1', 's2', 'nobody']);
      expect(held.get('s1')).toEqual(['node-a']);
      expect([...(held.get('s2') ?? [])].sort()).toEqual(['node-a', 'node-b']);
      expect(held.has('nobody')).toBe(false);
    });

    it('a node that unholds is no longer named; the other holder still is', async () => {
      await reg.unhold('node-a', ['s2']);
      expect((await reg.holders(['s2'])).get('s2')).toEqual(['node-b']);
    });

    it('a registration that is not renewed lapses; one that is renewed stays', async () => {
      await reg.hold('node-c', ['s3'], 300);
      await reg.hold('node-d', ['s3'], 300);
      await sleep(200);
      await reg.hold('node-d', ['s3'], 1_000);
      await sleep(250);
      expect((await reg.holders(['s3'])).get('s3')).toEqual(['node-d']);
      // A session whose lapsed node is swept when another of its holders unholds.
      await reg.unhold('node-d', ['s3']);
      expect((await reg.holders(['s3'])).has('s3')).toBe(false);
    });
  });
}
