/**
 * The outbox take on PostgreSQL walks alert_outbox_take in order and stops at a page,
 * whatever the backlog (migration 17): asked of the planner, with the store's own SQL
 * (dueRowsSql), over 60,000 due rows and 60,000 sent ones. Before, each take read every due
 * row and sorted them — with the push service down an hour, or one city's flood, every page
 * of 500 cost the whole backlog (80–180 ms at 200,000 rows), so a backlog drained in time
 * that grew with its square. A plan, not a timing: it holds on a busy machine too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { openDatabase } from '../server/store/postgres/database';
import { dueRowsSql, otherSlices } from '../server/store/postgres/postgres-alert-store';
import { postgresBin, PostgresServer } from './helpers/postgres-server';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Actual Rows': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

const DUE = 60_000;
const SENT = 60_000;
const PAGE = 500;

describe.skipIf(!postgresBin())('the outbox take on PostgreSQL', () => {
  let server: PostgresServer | null = null;
  let pool: pg.Pool | null = null;
  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  });

  it('reads about a page of rows for each channel and slice, sorts nothing, and leaves the rows due later (digest, retries) unread', async () => {
    server = await PostgresServer.start();
    pool = await openDatabase({ url: await server.createDatabase('take_plan'), poolMax: 2 });
    // Sent rows first (the history), then the backlog over 1,000 owners and both channels,
    // with one row in ten waiting for the digest tomorrow.
    await pool.query(
      `INSERT INTO alert_outbox (alert_id, channel, owner, source, digest, due_at, done_at, outcome)
       SELECT g, CASE WHEN g % 2 = 0 THEN 'email' ELSE 'push' END, 'acc-' || (g * 7919 % 1000), 's-' || (g % 5000), false, 1000, 2000, 'sent' FROM generate_series(1, $1) g`,
      [SENT],
    );
    await pool.query(
      `INSERT INTO alert_outbox (alert_id, channel, owner, source, digest, due_at)
       SELECT $1 + g, CASE WHEN g % 2 = 0 THEN 'email' ELSE 'push' END, 'acc-' || (g * 7919 % 1000), 's-' || (g % 5000), g % 10 = 0,
              CASE WHEN g % 10 = 0 THEN 90000000 ELSE 5000 + g / 100 END FROM generate_series(1, $2) g`,
      [SENT, DUE],
    );
    await pool.query('ANALYZE alert_outbox');
    const now = 10_000_000;
    const slices = [{ count: 1, index: 0 }, ...[0, 1, 2].map((index) => ({ count: 3, index }))];
    for (const channel of ['email', 'push']) {
      for (const slice of slices) {
        const sliced = slice.count > 1;
        const sql = dueRowsSql({ now: '$1', limit: '$2', channel: '$3', ...(sliced ? { count: '$4', others: '$5' } : {}) });
        const params: unknown[] = [now, PAGE, channel, ...(sliced ? [slice.count, otherSlices(slice)] : [])];
        const plan = (await pool.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params)).rows[0]!['QUERY PLAN'][0]!.Plan;
        const all = nodes(plan);
        const what = `${channel}, slice ${slice.index} of ${slice.count}: ${all.map((n) => n['Node Type'] + (n['Index Name'] ? ` on ${n['Index Name']}` : '')).join(' → ')}`;
        expect(all.filter((n) => n['Node Type'] === 'Sort'), what).toEqual([]);
        const walk = all.find((n) => n['Index Name'] === 'alert_outbox_take');
        expect(walk, what).toBeDefined();
        expect(plan['Actual Rows'], what).toBe(PAGE);
        // A slice of three reads ~3 rows a row it keeps: about 1,500 for a page, not 54,000.
        expect(walk!['Actual Rows'] + (walk!['Rows Removed by Filter'] ?? 0), what).toBeLessThan(PAGE * slice.count * 2);
      }
    }
  }, 120_000);
});
