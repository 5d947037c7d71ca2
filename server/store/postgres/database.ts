import path from 'node:path';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { EngineUnavailable } from '../../engine/engine-errors';
import { PROJECT_ROOT } from '../../project-root';

/** Where the schema's versioned migrations live; node-pg-migrate applies those not yet run. */
const MIGRATIONS = path.join(PROJECT_ROOT, 'server', 'store', 'postgres', 'migrations');

// BIGINT (seq, epoch ms) as numbers: every value Roost stores is far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * How long PostgreSQL lets a session sit idle inside a transaction before ending it. A
 * node paused mid-transaction (SIGSTOP, a swapped-out VM, a long GC) still holds what it
 * locked — the log lock every writer queues on, the matcher's row every claim updates —
 * and its server session would wait for it forever: every other node's writes and the
 * matcher's takeover would stall behind one frozen process. Roost's transactions go
 * straight from statement to statement (a few milliseconds), so this bounds what a
 * stalled node costs the cluster, and it stays at the matcher's lease (2 s) so a takeover
 * is never held up longer than the lease promises.
 */
export const IDLE_IN_TRANSACTION_MS = 2_000;

export interface DatabaseOptions {
  url: string;
  /** Connections this node may hold at once: the pool's bound (DATABASE_POOL_MAX). */
  poolMax?: number;
}

/**
 * A bounded pool on `DATABASE_URL` with the schema brought up to date. node-pg-migrate
 * holds an advisory lock for the run (waiting for it, not failing: nodes start together),
 * so each migration is applied once; a node that finds them applied goes straight on.
 */
export async function openDatabase({ url, poolMax = 10 }: DatabaseOptions): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
  });
  // An idle client whose server went away errors on the pool; the next query reconnects.
  pool.on('error', () => undefined);
  const client = await pool.connect();
  client.on('error', () => undefined);
  try {
    await runner({
      dbClient: client,
      dir: MIGRATIONS,
      direction: 'up',
      migrationsTable: 'roost_migrations',
      // Nodes starting together queue on the lock; the first applies, the rest find it done.
      advisoryLockMode: 'wait',
      count: Infinity,
      log: () => undefined,
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  } finally {
    client.release();
  }
  return pool;
}

/** Connection-level failures: the server is down, restarting, or unreachable — retrying later may work. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);

/**
 * The error as the API should see it: a database that cannot answer now becomes
 * EngineUnavailable (503, the contract's error JSON); anything else stays what it was.
 */
export function asStoreError(err: unknown): unknown {
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(e.message ?? '')) {
    return new EngineUnavailable(`database unavailable: ${e.message ?? code}`);
  }
  return err;
}

/** One statement on the pool, a connection failure as EngineUnavailable (every PostgreSQL store reads through this). */
export async function query<R extends pg.QueryResultRow>(pool: pg.Pool, text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
  try {
    return await pool.query<R>(text, values);
  } catch (err) {
    throw asStoreError(err);
  }
}

/** Runs `work` in one transaction on one pooled connection: committed if it returns, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>, begin = 'BEGIN', lock?: number): Promise<T> {
  const client = await pool.connect().catch((err: unknown) => {
    throw asStoreError(err);
  });
  // A checked-out client whose server goes away emits 'error' as well as failing its
  // query: unheard, that event would end the process.
  const onError = () => undefined;
  client.on('error', onError);
  try {
    // With a lock, one round trip: BEGIN and the transaction-scoped advisory lock together
    // (a constant, so the simple protocol's several statements are allowed).
    await client.query(lock === undefined ? begin : `${begin}; SELECT pg_advisory_xact_lock(${Math.trunc(lock)})`);
    const out = await work(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw asStoreError(err);
  } finally {
    client.off('error', onError);
    client.release();
  }
}

/** Epoch milliseconds by the database's clock: leases compare against one clock for every host. */
export const NOW_MS = '(extract(epoch from clock_timestamp()) * 1000)::bigint';
