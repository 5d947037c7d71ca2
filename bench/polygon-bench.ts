/**
 * npm run bench:polygon [-- --listings N --rounds R --old DIR]
 *
 * One drawn-area search in the embedded engine, in process: the demo city at N listings
 * (default 50,000) in a fresh store, and 950-corner areas of the three kinds the attack
 * uses (a wiggly lasso, a star, a comb: test/helpers/hostile-clients.ts) plus a hexagon
 * (what a renter draws), city-wide at zooms 11, 14 and 16, moved a little each round so
 * every search prepares its area afresh (the engine keeps the last few). With --old, another checkout's
 * engine (a `git archive` of an earlier commit with node_modules linked) opens the same
 * store in the same process, and the two alternate so the machine's noise falls on both.
 * Prints p50 / max ms per area and zoom, and the process CPU time per search.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseRingParam, ringParam } from '../server/core/polygon';
import { demoCity } from '../server/demo/demo-city';
import { EmbeddedEngine } from '../server/engine/embedded/embedded-engine';
import type { Ring } from '../server/engine/search-engine';
import { SqliteListingStore } from '../server/store/sqlite-listing-store';
import { attackPolygon } from '../test/helpers/hostile-clients';
import { fmt, percentiles } from './stats';
import { hexagon } from './viewports';

const { values: args } = parseArgs({
  options: {
    listings: { type: 'string', default: '50000' },
    rounds: { type: 'string', default: '7' },
    old: { type: 'string' },
  },
});
const N = Number(args.listings);
const ROUNDS = Number(args.rounds);
const CITY: [number, number, number, number] = [-74.3, 40.45, -73.7, 40.95];
type Searcher = { search(q: unknown): Promise<{ total: number }> };

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-polygon-'));
  const store = new SqliteListingStore(dir);
  let batch = [];
  for (const r of demoCity(N)) {
    batch.push(r);
    if (batch.length === 10_000) {
      await store.upsertMany(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await store.upsertMany(batch);
  const engines: [string, Searcher][] = [['new', (await EmbeddedEngine.open({ dataDir: dir, pollIntervalMs: 600_000 })) as Searcher]];
  if (args.old) {
    const old = (await import(path.resolve(args.old, 'server/engine/embedded/embedded-engine.ts'))) as { EmbeddedEngine: { open(o: object): Promise<Searcher> } };
    engines.unshift(['old', await old.EmbeddedEngine.open({ dataDir: dir, pollIntervalMs: 600_000 })]);
  }
  // Each round moves the area a little (attackPolygon's variant), so no round is served
  // from the engine's cache of recent areas: every search prepares its area.
  const areas: [string, (round: number) => Ring][] = [
    ['lasso, 950 corners', (v) => parseRingParam(attackPolygon(0, 950, v)) as Ring],
    ['star, 950 corners', (v) => parseRingParam(attackPolygon(1, 950, v)) as Ring],
    ['comb, 950 corners', (v) => parseRingParam(attackPolygon(2, 950, v)) as Ring],
    ['hexagon (drawn by a renter)', (v) => parseRingParam(ringParam(hexagon([-74.05 + v * 0.001, 40.65, -73.85 + v * 0.001, 40.85]))) as Ring],
  ];
  console.log(`# One drawn-area search, in process — ${N.toLocaleString('en-US')} listings, ${ROUNDS} rounds (the first dropped)`);
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}; ${new Date().toISOString()}`);
  console.log();
  console.log(`| area | zoom | in the area | ${engines.map(([n]) => `${n} p50 / max ms | ${n} CPU ms`).join(' | ')} |`);
  console.log(`| --- | --- | --- | ${engines.map(() => '--- | ---').join(' | ')} |`);
  let variant = 0;
  for (const [name, area] of areas) {
    for (const zoom of [11, 14, 16]) {
      const wall = new Map<string, number[]>(engines.map(([n]) => [n, []]));
      const cpu = new Map<string, number[]>(engines.map(([n]) => [n, []]));
      let total = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const polygon = area(variant++);
        for (const [n, engine] of round % 2 ? [...engines].reverse() : engines) {
          const c = process.cpuUsage();
          const t = performance.now();
          total = (await engine.search({ bbox: CITY, zoom, filters: {}, polygon })).total;
          const ms = performance.now() - t;
          const used = process.cpuUsage(c);
          if (round > 0) {
            wall.get(n)!.push(ms);
            cpu.get(n)!.push((used.user + used.system) / 1000);
          }
        }
      }
      const cells = engines.map(([n]) => `${fmt(percentiles(wall.get(n)!).p50)} / ${fmt(Math.max(...wall.get(n)!))} | ${fmt(percentiles(cpu.get(n)!).p50)}`);
      console.log(`| ${name} | ${zoom} | ${total.toLocaleString('en-US')} | ${cells.join(' | ')} |`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:polygon: ${(err as Error).stack}\n`);
    process.exit(1);
  },
);
