/**
 * npm run bench:ab -- --old DIR --data DATA_DIR [--levels district,listing] [--views N]
 *
 * The embedded engine of another checkout (DIR, e.g. a `git worktree` of an earlier commit
 * with node_modules linked) against this one's, opened side by side in one process on the
 * same store, so the machine's noise falls on both alike: each level's views (filters
 * mixed, then with keywords, then with a drawn area) run on both in four rounds,
 * alternating which goes first; the first round warms up and is dropped. Prints p50 / p95.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedEngine } from '../server/engine/embedded/embedded-engine';
import { SqliteListingStore } from '../server/store/sqlite-listing-store';
import { percentiles } from './stats';
import { areaVariantViews, viewsFor } from './viewports';

const { values: args } = parseArgs({
  options: {
    old: { type: 'string' },
    data: { type: 'string' },
    levels: { type: 'string', default: 'district,neighbourhood,cluster,listing' },
    views: { type: 'string', default: '400' },
  },
});
if (!args.old || !args.data) {
  process.stderr.write('bench:ab: --old DIR (another checkout) and --data DATA_DIR (a filled store) are needed\n');
  process.exit(2);
}
const ZOOMS: Record<string, number[]> = { district: [10, 11], neighbourhood: [12, 13], cluster: [14, 15], listing: [16, 17] };
type Searcher = { search(q: unknown): Promise<unknown> };

const oldModule = (await import(path.resolve(args.old, 'server/engine/embedded/embedded-engine.ts'))) as { EmbeddedEngine: { open(o: object): Promise<Searcher> } };
const centres: { lat: number; lon: number }[] = [];
await new SqliteListingStore(args.data).snapshot((r) => {
  if (centres.length < 20_000) centres.push({ lat: r.lat, lon: r.lon });
});
const engines: Record<'old' | 'new', Searcher> = {
  old: await oldModule.EmbeddedEngine.open({ dataDir: args.data, pollIntervalMs: 60_000 }),
  new: (await EmbeddedEngine.open({ dataDir: args.data, pollIntervalMs: 60_000 })) as Searcher,
};
const fmt = (xs: number[]) => {
  const p = percentiles(xs);
  return `${p.p50.toFixed(3)} / ${p.p95.toFixed(2)}`;
};
console.log('| level | variant | old p50 / p95 ms | new p50 / p95 ms |\n| --- | --- | --- | --- |');
for (const level of args.levels.split(',')) {
  const zooms = ZOOMS[level]!;
  const base = viewsFor(zooms, centres, Number(args.views), 'mixed', zooms[0]);
  for (const variant of ['filters mixed', 'q', 'polygon'] as const) {
    const views = variant === 'filters mixed' ? base : areaVariantViews(base, variant);
    const times = { old: [] as number[], new: [] as number[] };
    for (let round = 0; round < 4; round++) {
      for (const name of round % 2 ? (['new', 'old'] as const) : (['old', 'new'] as const)) {
        for (const v of views) {
          const start = performance.now();
          await engines[name].search(v);
          if (round > 0) times[name].push(performance.now() - start);
        }
      }
    }
    console.log(`| ${level} | ${variant} | ${fmt(times.old)} | ${fmt(times.new)} |`);
  }
}
process.exit(0);
