/**
 * npm run bench:outbox-rows [-- --rows 5000 --pages 40]
 *
 * What an outbox row costs PostgreSQL (issue 29): the backend's CPU a row for the three
 * statements every row sees — written with its alert, leased by a take, marked sent — on the
 * real table (the migrations' schema), with pages packed full (fillfactor 100, the table's)
 * and half empty (50), alternated. With pages full a lease (lease_until, attempts: in no
 * index) writes a new copy of the row into every index; with room on the page it is a HOT
 * update, and these statements cost half. The whole city flood on fillfactor 50 cost
 * PostgreSQL more, not less (BENCHMARKS.md: 254 against 196 µs an alert) — what the
 * statements alone do not see (vacuum, WAL of a table twice the size) — so the table keeps
 * 100. A PostgreSQL server of the bench's own; one connection, so the backend's CPU (from
 * /proc) is the statements'.
 */
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { openDatabase } from '../server/store/postgres/database';
import { PostgresServer } from '../test/helpers/postgres-server';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '5000' }, pages: { type: 'string', default: '40' } } });
const B = Number(args.rows);
const N = Number(args.pages);
/** A process's CPU time so far, ms (utime + stime at 100 ticks a second). */
const cpuOf = (pid: number) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

async function main() {
  console.log(`# Outbox rows on PostgreSQL — ${B} rows a statement, ${N} rounds; ${os.cpus().length} × ${os.cpus()[0]?.model}, ${new Date().toISOString()}`);
  const server = await PostgresServer.start();
  const pool = await openDatabase({ url: await server.createDatabase('outbox_rows'), poolMax: 1 });
  const client = await pool.connect();
  try {
    const pid = Number((await client.query('SELECT pg_backend_pid() AS p')).rows[0].p);
    for (const fillfactor of [100, 50, 100, 50]) {
      await client.query(`TRUNCATE alert_outbox; ALTER TABLE alert_outbox SET (fillfactor = ${fillfactor})`);
      await client.query('VACUUM alert_outbox');
      await client.query('CHECKPOINT');
      const spent = { insert: 0, lease: 0, mark: 0 };
      for (let k = 0; k < N; k++) {
        let c = cpuOf(pid);
        // Two rows an alert (email and push) over 1,000 owners, as the matcher writes them.
        await client.query(
          `INSERT INTO alert_outbox (alert_id, channel, owner, source, digest, due_at)
           SELECT $1 + g / 2, CASE WHEN g % 2 = 0 THEN 'email' ELSE 'push' END, 'acc-' || (g * 7919 % 1000), 's-' || (g % 5000), false, $1 + g FROM generate_series(0, $2 - 1) g`,
          [k * B, B],
        );
        spent.insert += cpuOf(pid) - c;
        c = cpuOf(pid);
        const ids = (
          await client.query(
            'UPDATE alert_outbox SET lease_until = 99999999999, attempts = attempts + 1 WHERE id IN (SELECT id FROM alert_outbox WHERE done_at IS NULL ORDER BY id LIMIT $1) RETURNING id',
            [B],
          )
        ).rows.map((r) => Number(r.id));
        spent.lease += cpuOf(pid) - c;
        c = cpuOf(pid);
        await client.query("UPDATE alert_outbox SET done_at = 1, outcome = 'sent', lease_until = 0 WHERE id = ANY($1::bigint[]) AND done_at IS NULL", [ids]);
        spent.mark += cpuOf(pid) - c;
      }
      const per = (ms: number) => ((ms * 1000) / (B * N)).toFixed(2);
      console.log(`fillfactor ${fillfactor}: insert ${per(spent.insert)} µs, lease ${per(spent.lease)} µs, mark ${per(spent.mark)} µs of PostgreSQL's CPU a row; together ${per(spent.insert + spent.lease + spent.mark)} µs`);
    }
  } finally {
    client.release();
    await pool.end();
    await server.stop();
  }
}
void main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
