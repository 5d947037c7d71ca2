/**
 * npm run bench:store [-- --listings N --seconds S --clients C]
 *
 * The record on SQLite (DATA_DIR) and on a PostgreSQL server of our own, side by side in
 * one run: `npm run import` of N demo listings (whole command), then one node's API write
 * throughput with C clients POSTing for S seconds (write → 201 latency and writes/s), and
 * how long another node on the same record takes to find the last write.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NodeProcess } from '../test/helpers/node-process';
import { PostgresServer } from '../test/helpers/postgres-server';
import { writeDemoFile } from './demo-file';
import { fmt, percentiles } from './stats';
import { secretForTests } from '../test/helpers/roost';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    listings: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '32' },
  },
});
const N = Number(args.listings);
const SECONDS = Number(args.seconds);
const CLIENTS = Number(args.clients);
const TOKEN = secretForTests();
const line = (s = '') => process.stdout.write(`${s}\n`);

function importInto(file: string, env: Record<string, string>): number {
  const t = performance.now();
  const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'server', 'cli', 'import.ts'), file], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  return (performance.now() - t) / 1000;
}

async function writeLoad(node: NodeProcess, tag: string): Promise<{ ms: number[]; errors: number }> {
  const ms: number[] = [];
  let errors = 0;
  let n = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      while (Date.now() < until) {
        const id = `${tag}-${c}-${n++}`;
        const t = performance.now();
        const res = await fetch(`${node.url}/api/listings`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ id, title: `Bench ${id}`, lat: 40.6 + (n % 1000) / 5000, lon: -74 + (n % 777) / 3000, price: 1000 + (n % 3000), type: 'entire', district: 'D', neighbourhood: 'N' }),
        });
        await res.arrayBuffer();
        if (res.status === 201) {
          ms.push(performance.now() - t);
        } else errors++;
      }
    }),
  );
  return { ms, errors };
}

/** How long until the node's own index holds `expected` listings (a world view's total). */
async function untilCount(node: NodeProcess, expected: number): Promise<number> {
  const t = performance.now();
  for (;;) {
    const s = (await (await fetch(`${node.url}/api/search?bbox=-180,-85,180,85&zoom=10`)).json()) as { total: number };
    if (s.total >= expected) return performance.now() - t;
    if (performance.now() - t > 30_000) throw new Error(`second node has ${s.total} of ${expected} after 30 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-store-bench-'));
  line(`# Roost store benchmark — ${N.toLocaleString('en-US')} listings imported, ${CLIENTS} writers for ${SECONDS} s`);
  line(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; the database, nodes and clients share it`);
  line(`date: ${new Date().toISOString()}`);
  const file = path.join(work, 'listings.ndjson');
  writeDemoFile(N, file);
  const pg = await PostgresServer.start();
  try {
    const url = await pg.createDatabase('roost_bench');
    line();
    line('| store | import rows/s (whole command) | API writes/s | write → 201 p50 / p95 / p99 ms | errors | second node\'s index holds every write, after the last 201 (ms) |');
    line('| --- | --- | --- | --- | --- | --- |');
    for (const store of ['SQLite', 'PostgreSQL'] as const) {
      const env: Record<string, string> = store === 'SQLite' ? { DATA_DIR: path.join(work, 'sqlite') } : { DATA_DIR: path.join(work, 'pg-a'), DATABASE_URL: url };
      const seconds = importInto(file, env);
      const a = await NodeProcess.start({ ...env, ADMIN_TOKEN: TOKEN, DEMO_LISTINGS: '0' });
      const b = await NodeProcess.start({ ...env, ...(store === 'PostgreSQL' ? { DATA_DIR: path.join(work, 'pg-b') } : {}), ADMIN_TOKEN: TOKEN, DEMO_LISTINGS: '0' });
      try {
        const load = await writeLoad(a, store.toLowerCase());
        const p = percentiles(load.ms);
        const found = await untilCount(b, N + load.ms.length);
        line(`| ${store} | ${Math.round(N / seconds).toLocaleString('en-US')} | ${Math.round(load.ms.length / SECONDS).toLocaleString('en-US')} | ${fmt(p.p50)} / ${fmt(p.p95)} / ${fmt(p.p99)} | ${load.errors} | ${fmt(found)} |`);
      } finally {
        await a.kill('SIGTERM');
        await b.kill('SIGTERM');
      }
    }
  } finally {
    await pg.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
