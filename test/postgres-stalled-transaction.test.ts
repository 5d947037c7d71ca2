/**
 * A node paused inside a transaction (SIGSTOP, a swapped-out VM) keeps what it locked:
 * the log lock every writer takes, the matcher's row every claim updates. These tests
 * stall one "node" (its own pool, as openDatabase gives every node) exactly there and
 * check that the others go on once PostgreSQL ends the stalled session, instead of
 * waiting for it for ever. Without the pool's idle-in-transaction bound both hang.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListingRecord } from '../server/core/listing';
import { IDLE_IN_TRANSACTION_MS, openDatabase } from '../server/store/postgres/database';
import { PostgresAlertStore } from '../server/store/postgres/postgres-alert-store';
import { LOG_LOCK, PostgresListingStore } from '../server/store/postgres/postgres-listing-store';
import { postgresBin, PostgresServer } from './helpers/postgres-server';

const HOME: ListingRecord = {
  id: 'stall-1', title: 'Home', lat: 40.7, lon: -73.95, price: 2000, type: 'entire', district: 'D', neighbourhood: 'N', bedrooms: 1,
  listedAt: Date.UTC(2026, 0, 1), updatedAt: Date.UTC(2026, 0, 1),
};

/** Well past the bound, far short of for ever: what "went on" means here. */
const WITHIN_MS = IDLE_IN_TRANSACTION_MS + 8_000;

/** A connection of `pool` that ran `statements` inside a transaction and then went quiet, as a paused process does. */
async function stallInside(pool: pg.Pool, statements: string): Promise<pg.PoolClient> {
  const client = await pool.connect();
  client.on('error', () => undefined); // ended by the server: the point of the test
  await client.query(`BEGIN; ${statements}`);
  return client;
}

function within<T>(work: Promise<T>, what: string): Promise<T> {
  return Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: still waiting after ${WITHIN_MS} ms`)), WITHIN_MS))]);
}

describe.skipIf(!postgresBin())('a node stalled inside a transaction', () => {
  let server: PostgresServer;
  let stalled: pg.Pool;
  let live: pg.Pool;
  beforeAll(async () => {
    server = await PostgresServer.start();
    const url = await server.createDatabase('stalled');
    stalled = await openDatabase({ url, poolMax: 2 });
    live = await openDatabase({ url, poolMax: 2 });
  }, 60_000);
  afterAll(async () => {
    await stalled?.end();
    await live?.end();
    await server?.stop();
  });

  it('holding the log lock: another node’s write waits only until the stalled session is ended, and the stalled work is rolled back', async () => {
    const client = await stallInside(stalled, `SELECT pg_advisory_xact_lock(${LOG_LOCK}); CREATE TEMP TABLE half_done (x int)`);
    const store = new PostgresListingStore(live);
    const started = Date.now();
    const outcome = await within(store.write({ op: 'put', record: HOME }), 'a write behind the stalled log lock');
    expect(outcome.event?.seq).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_IN_TRANSACTION_MS - 200);
    // The stalled node learns on waking that its transaction is gone.
    await expect(client.query('COMMIT')).rejects.toThrow();
    client.release(true);
    expect((await store.get(HOME.id))?.price).toBe(HOME.price);
  }, 30_000);

  it('holding the matcher’s row mid-commit: another node takes the lease over once it lapses', async () => {
    const paused = new PostgresAlertStore(stalled);
    const taker = new PostgresAlertStore(live);
    await paused.initCursor(0);
    expect(await paused.claim('paused', 500, async () => 0)).toBe(true);
    // What commitBatch does first: the fenced UPDATE of the matcher's row, then (never) the alerts and COMMIT.
    const client = await stallInside(stalled, "UPDATE matcher SET cursor = cursor WHERE id = 1 AND holder = 'paused'");
    const claimed = within(
      (async () => {
        while (!(await taker.claim('taker', 2_000, async () => 0))) await new Promise((r) => setTimeout(r, 100));
      })(),
      'a claim behind the stalled matcher row',
    );
    await claimed;
    await expect(client.query('COMMIT')).rejects.toThrow();
    client.release(true);
    // Fenced: the paused holder's batch is refused now that the lease has moved on.
    expect(await paused.commitBatch('paused', 0, 5, 500, [])).toBeNull();
  }, 30_000);
});
