import type pg from 'pg';
import { openDatabase } from '../../server/store/postgres/database';
import { postgresBin, PostgresServer } from './postgres-server';
import { tempDir } from './roost';

/** One leg of a store contract suite: the same tests on SQLite, then on a PostgreSQL server of the suite's own. */
export interface StoreLeg<T> {
  name: 'SQLite' | 'PostgreSQL';
  open(): Promise<T>;
  done(): Promise<void>;
}

/**
 * The two legs every store suite runs: SQLite in a fresh DATA_DIR, and PostgreSQL (a server
 * started for the suite, one database, a small pool) when this machine has its binaries —
 * else the leg is said to be skipped, not silently dropped.
 */
export function storeLegs<T>(
  suite: string,
  make: { sqlite(dir: string): T | Promise<T>; postgres(pool: pg.Pool): T | Promise<T> },
  poolMax = 4,
): StoreLeg<T>[] {
  const name = suite.toLowerCase().replace(/[^a-z0-9]+/g, '_');
  const legs: StoreLeg<T>[] = [{ name: 'SQLite', open: async () => make.sqlite(tempDir(name)), done: async () => undefined }];
  if (!postgresBin()) {
    console.log(`${suite}, PostgreSQL leg skipped: no server binaries under /usr/lib/postgresql`);
    return legs;
  }
  let server: PostgresServer | null = null;
  let pool: pg.Pool | null = null;
  legs.push({
    name: 'PostgreSQL',
    open: async () => {
      server = await PostgresServer.start();
      pool = await openDatabase({ url: await server.createDatabase(name), poolMax });
      return make.postgres(pool);
    },
    done: async () => {
      await pool?.end();
      await server?.stop();
    },
  });
  return legs;
}
