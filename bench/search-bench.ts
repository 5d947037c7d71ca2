/**
 * npm run bench [-- --listings N --queries Q --data city|country]
 *
 * Generates N listings (default 1,000,000) — the demo city, or above 1M the 40-city
 * country of bench/country.ts (issue 31) — imports them with the real importer, starts
 * the real server as its own process, and measures /api/search per level with a mix of
 * filters in process and over HTTP; on the same data, two baselines: a SQLite GROUP BY
 * (up to 2M listings: above, one query takes seconds) and supercluster for unfiltered
 * views, its build time and memory. Prints what BENCHMARKS.md records.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import Supercluster from 'supercluster';
import { demoCity } from '../server/demo/demo-city';
import { EmbeddedEngine } from '../server/engine/embedded/embedded-engine';
import type { Level } from '../server/core/levels';
import { clusterBench, postgresCatchUp } from './cluster-bench';
import { writeDemoFile } from './demo-file';
import { countryListings, writeCountryFile } from './country';
import { SNAPSHOT_FILE } from '../server/engine/embedded/index-snapshot';
import { startServer } from './server-process';
import { httpGet, socketRetries } from './http-get';
import { fmt, percentiles, timeEach } from './stats';
import { AREA_VARIANTS, areaVariantViews, FILTER_MIX, searchQueryString, viewport, viewsFor, type View } from './viewports';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    listings: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '400' },
    keep: { type: 'boolean', default: false },
    engine: { type: 'string', default: 'embedded' },
    store: { type: 'string', default: 'sqlite' },
    data: { type: 'string' },
    /** A DATA_DIR this bench filled before (`--keep`): its import is not timed again. */
    reuse: { type: 'string' },
  },
});
const N = Number(args.listings);
const DATA = args.data ?? (N > 1_000_000 ? 'country' : 'city');
/** Above this the SQLite GROUP BY baseline is left out: each of its queries takes seconds. */
const SQLITE_BASELINE_MAX = 2_000_000;
const Q = Number(args.queries);
const LEVEL_ZOOMS: [Level, number[]][] = [
  ['region', [4, 5, 6, 7, 8]],
  ['district', [10, 11]],
  ['neighbourhood', [12, 13]],
  ['cluster', [14, 15]],
  ['listing', [16, 17]],
];
/** The whole demo city on one screen; the whole country on one screen. */
const CITY_VIEW = DATA === 'country' ? viewport(38, -96, 4) : viewport(40.7, -73.97, 10);
const CITY_ZOOM = DATA === 'country' ? 4 : 10;

const line = (s = '') => process.stdout.write(`${s}\n`);
const row = (cells: (string | number)[]) => line(`| ${cells.join(' | ')} |`);

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

function mb(file: string): string {
  return fs.existsSync(file) ? (fs.statSync(file).size / 1e6).toFixed(0) : '0';
}

function vmKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(new RegExp(`${field}:\\s+(\\d+)`))![1]);
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-bench-'));
  let dataDir = path.join(work, 'data');
  line(`# Roost search benchmark — ${N.toLocaleString('en-US')} listings (${DATA === 'country' ? 'a country of 40 cities, bench/country.ts' : 'the demo city'})`);
  line(`machine: ${machine()}`);
  line(`date: ${new Date().toISOString()}`);
  line();

  let t = performance.now();
  let centres: { lat: number; lon: number }[];
  if (args.reuse) {
    // The same generator's first rows stand for where homes are (rows are drawn alike).
    dataDir = args.reuse;
    centres = [];
    let i = 0;
    for (const r of DATA === 'country' ? countryListings(200_000) : demoCity(Math.min(N, 200_000))) if (i++ % 10 === 0) centres.push({ lat: r.lat, lon: r.lon });
    line(`reusing ${dataDir} (imported before; the import is not timed)`);
  } else {
    // 1. Generate.
    const file = path.join(work, 'listings.ndjson');
    centres = DATA === 'country' ? writeCountryFile(N, file) : writeDemoFile(N, file);
    line(`generated ${N} listings in ${((performance.now() - t) / 1000).toFixed(1)} s (${(fs.statSync(file).size / 1e6).toFixed(0)} MB ndjson)`);

    // 2. Import with the real command.
    t = performance.now();
    const imp = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'server', 'cli', 'import.ts'), file], {
      env: { ...process.env, DATA_DIR: dataDir },
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const importSeconds = (performance.now() - t) / 1000;
    if (imp.status !== 0) throw new Error(`import failed: ${imp.stderr}`);
    line(`import: ${imp.stdout.trim().split('\n').at(-1)} in ${importSeconds.toFixed(1)} s → ${Math.round(N / importSeconds).toLocaleString('en-US')} rows/s (whole command)`);
    for (const l of imp.stderr.split('\n')) if (/rows in|snapshot/.test(l) && !l.startsWith('{')) line(`  import said: ${l.trim()}`);
    fs.rmSync(file);
  }
  line(`on disk: store ${mb(path.join(dataDir, 'roost.db'))} MB, index snapshot ${mb(path.join(dataDir, SNAPSHOT_FILE))} MB`);

  // 3. The real server as its own process: time to ready and resident memory.
  const { child: server, base, readyMs } = await startServer(dataDir);
  const readySeconds = readyMs / 1000;
  line(`server ready (GET /readyz 200) ${readySeconds.toFixed(1)} s after spawn; RSS ${(vmKb(server.pid!, 'VmRSS') / 1024).toFixed(0)} MB, peak ${(vmKb(server.pid!, 'VmHWM') / 1024).toFixed(0)} MB`);

  // 4. In process (beside the server: at 10M the two hold ~4 GB each).
  t = performance.now();
  const engine = await EmbeddedEngine.open({ dataDir });
  line(`in-process engine load: ${((performance.now() - t) / 1000).toFixed(1)} s (index from ${engine.indexSource})`);
  line();

  const results: Record<string, { inproc: ReturnType<typeof percentiles>; http: ReturnType<typeof percentiles> }> = {};
  line('## /api/search, filters mixed (none, price, type, beds, combinations), 1280×800 views');
  line();
  row(['level', 'zooms', 'queries', 'in-process p50 / p95 / p99 ms', 'HTTP p50 / p95 / p99 ms', 'mean total']);
  row(['---', '---', '---', '---', '---', '---']);
  for (const [level, zooms] of LEVEL_ZOOMS) {
    const views = viewsFor(zooms, centres, Q, 'mixed', zooms[0]);
    await timeEach(views.slice(0, 50), (v) => engine.search(v)); // warm-up
    let totals = 0;
    const inproc = percentiles(await timeEach(views, async (v) => (totals += (await engine.search(v)).total)));
    await timeEach(views.slice(0, 50), (v) => httpGet(`${base}/api/search?${searchQueryString(v)}`));
    const http = percentiles(await timeEach(views, (v) => httpGet(`${base}/api/search?${searchQueryString(v)}`)));
    results[level] = { inproc, http };
    row([
      level,
      zooms.join(', '),
      views.length,
      `${fmt(inproc.p50)} / ${fmt(inproc.p95)} / ${fmt(inproc.p99)}`,
      `${fmt(http.p50)} / ${fmt(http.p95)} / ${fmt(http.p99)}`,
      Math.round(totals / views.length).toLocaleString('en-US'),
    ]);
  }
  // City-wide views with each filter of the mix: the widest scan there is.
  const cityViews: View[] = viewsFor([CITY_ZOOM], centres, Q, 'mixed', 3).map((v) => ({ ...v, bbox: CITY_VIEW }));
  const cityIn = percentiles(await timeEach(cityViews, (v) => engine.search(v)));
  const cityHttp = percentiles(
    await timeEach(cityViews, (v) => httpGet(`${base}/api/search?${searchQueryString(v)}`)),
  );
  row([
    DATA === 'country' ? 'region, whole country' : 'district, whole city',
    String(CITY_ZOOM),
    cityViews.length,
    `${fmt(cityIn.p50)} / ${fmt(cityIn.p95)} / ${fmt(cityIn.p99)}`,
    `${fmt(cityHttp.p50)} / ${fmt(cityHttp.p95)} / ${fmt(cityHttp.p99)}`,
    N.toLocaleString('en-US') + ' (unfiltered)',
  ]);
  line();

  // Issue 15: a drawn area and keywords at every level, the place box, and the whole-area
  // requests the map makes at district and neighbourhood zoom (world bbox, one per filters).
  line('## /api/search with a drawn area (polygon) and keywords (q), 1280×800 views, filters mixed');
  line();
  row(['level', 'variant', 'queries', 'in-process p50 / p95 / p99 ms', 'HTTP p50 / p95 / p99 ms', 'mean total']);
  row(['---', '---', '---', '---', '---', '---']);
  for (const [level, zooms] of LEVEL_ZOOMS) {
    for (const variant of AREA_VARIANTS) {
      const views = areaVariantViews(viewsFor(zooms, centres, Q, 'mixed', 11 + zooms[0]!), variant);
      await timeEach(views.slice(0, 50), (v) => engine.search(v));
      let totals = 0;
      const inproc = percentiles(await timeEach(views, async (v) => (totals += (await engine.search(v)).total)));
      await timeEach(views.slice(0, 50), (v) => httpGet(`${base}/api/search?${searchQueryString(v)}`));
      const http = percentiles(await timeEach(views, (v) => httpGet(`${base}/api/search?${searchQueryString(v)}`)));
      row([level, variant, views.length, `${fmt(inproc.p50)} / ${fmt(inproc.p95)} / ${fmt(inproc.p99)}`, `${fmt(http.p50)} / ${fmt(http.p95)} / ${fmt(http.p99)}`, Math.round(totals / views.length).toLocaleString('en-US')]);
    }
  }
  line();
  const timeHttp = async (paths: string[]) => {
    await timeEach(paths.slice(0, 20), (p) => httpGet(`${base}${p}`));
    return percentiles(await timeEach(paths, (p) => httpGet(`${base}${p}`)));
  };
  // The place box asks as the renter types: every prefix of a few names, Latin and pinyin.
  const typed =
    DATA === 'country'
      ? ['chi', 'chicago lo', 'seattle', 'maple park', 'san', 'los ang', 'cedar sq', 'sunny', 'denver', 'q']
      : ['wil', 'williamsb', 'astoria', 'park slope', 'bro', 'manh', 'east vi', 'sunny', 'harlem', 'q'];
  const places = await timeHttp(Array.from({ length: Q }, (_, i) => `/api/places?q=${encodeURIComponent(typed[i % typed.length]!)}`));
  // Whole areas: the map asks once per level and filter set over the world, then pans free.
  const mix = viewsFor([10], centres, Q, 'mixed', 5);
  const wholeAreas = await timeHttp(mix.map((v, i) => `/api/search?${searchQueryString({ ...v, bbox: [-180, -85, 180, 85], zoom: [8, 10, 12][i % 3]! })}`));
  // The price picture of a view at every zoom, with the rest of the mix's filters.
  const pictured = viewsFor([10, 12, 14, 16], centres, Q, 'mixed', 7);
  const histograms = await timeHttp(pictured.map((v) => `/api/price-histogram?${searchQueryString(v).replace(/&zoom=\d+/, '')}`));
  // The list beside the map: the first page of each view, both orders.
  const listed = viewsFor([10, 12, 14, 16], centres, Q, 'mixed', 9);
  const lists = await timeHttp(listed.map((v, i) => `/api/listings?${searchQueryString(v).replace(/&zoom=\d+/, '')}&sort=${i % 2 ? 'price' : 'newest'}&limit=20`));
  row(['request', 'queries', 'HTTP p50 / p95 / p99 ms']);
  row(['---', '---', '---']);
  row(['/api/places?q= (prefixes as typed)', Q, `${fmt(places.p50)} / ${fmt(places.p95)} / ${fmt(places.p99)}`]);
  row(['/api/search over the world, zoom 8, 10 and 12 (whole-area bubbles), filters mixed', Q, `${fmt(wholeAreas.p50)} / ${fmt(wholeAreas.p95)} / ${fmt(wholeAreas.p99)}`]);
  row(['/api/listings, first page of views at zooms 10–16, newest or cheapest first, filters mixed', Q, `${fmt(lists.p50)} / ${fmt(lists.p95)} / ${fmt(lists.p99)}`]);
  row(['/api/price-histogram, views at zooms 10–16, filters mixed', Q, `${fmt(histograms.p50)} / ${fmt(histograms.p95)} / ${fmt(histograms.p99)}`]);
  line();
  line(`idle keep-alive sockets the server closed as they were reused (retried once): ${socketRetries.count}`);
  const rss = vmKb(server.pid!, 'VmRSS') / 1024;
  const hwm = vmKb(server.pid!, 'VmHWM') / 1024;
  line(`server resident memory after the HTTP runs: ${rss.toFixed(0)} MB (peak ${hwm.toFixed(0)} MB)`);
  server.kill('SIGTERM');
  line();

  // 5. Baseline: SQLite GROUP BY on the same store.
  line('## Baseline 1: SQLite GROUP BY on the same rows (city-wide view, district level)');
  line();
  if (N > SQLITE_BASELINE_MAX) line(`left out above ${SQLITE_BASELINE_MAX.toLocaleString('en-US')} listings (a GROUP BY over them takes seconds a query)`);
  else await sqliteBaseline(dataDir, engine);
  line();
  const engineSearch = (v: View) => engine.search(v);
  const unfiltered = LEVEL_ZOOMS.map(([level, zooms]) => [level, viewsFor(zooms, centres, Q, 'none', 7 + zooms[0]!)] as const);
  const engineTimes = [];
  for (const [, views] of unfiltered) {
    await timeEach(views.slice(0, 50), engineSearch);
    engineTimes.push(percentiles(await timeEach(views, engineSearch)));
  }
  const cityOnly: View = { zoom: CITY_ZOOM, bbox: CITY_VIEW, filters: {} };
  const enCity = percentiles(await timeEach(Array(200).fill(cityOnly), engineSearch));
  await engine.close();

  // 6. Baseline: supercluster, unfiltered views (it cannot filter), with the engine closed:
  // at 10M each holds gigabytes.
  line('## Baseline 2: supercluster, unfiltered views (same points, same viewports)');
  line();
  global.gc?.();
  const heapBefore = process.memoryUsage();
  t = performance.now();
  const points: Supercluster.PointFeature<{ price: number }>[] = [];
  for (const r of DATA === 'country' ? countryListings(N) : demoCity(N)) {
    points.push({ type: 'Feature', properties: { price: r.price }, geometry: { type: 'Point', coordinates: [r.lon, r.lat] } });
  }
  const pointsMs = performance.now() - t;
  t = performance.now();
  const sc = new Supercluster<{ price: number }, { sum: number }>({
    radius: 60,
    maxZoom: 16,
    map: (p) => ({ sum: p.price }),
    reduce: (acc, p) => {
      acc.sum += p.sum;
    },
  });
  sc.load(points);
  const buildS = (performance.now() - t) / 1000;
  const heapAfter = process.memoryUsage();
  line(`supercluster index of ${N.toLocaleString('en-US')} points built in ${buildS.toFixed(1)} s (the points made in ${(pointsMs / 1000).toFixed(1)} s before it); the bench process grew by ${((heapAfter.rss - heapBefore.rss) / 2 ** 20).toFixed(0)} MB resident (V8 heap ${((heapAfter.heapUsed - heapBefore.heapUsed) / 2 ** 20).toFixed(0)} MB, arrays ${((heapAfter.arrayBuffers - heapBefore.arrayBuffers) / 2 ** 20).toFixed(0)} MB) with the points; it cannot be filtered: a filter means a rebuild`);
  line();
  row(['level', 'supercluster p50 / p95 ms', 'engine p50 / p95 ms', 'engine / supercluster (p50)']);
  row(['---', '---', '---', '---']);
  for (let i = 0; i < unfiltered.length; i++) {
    const [level, views] = unfiltered[i]!;
    await timeEach(views.slice(0, 50), (v) => sc.getClusters(v.bbox, v.zoom));
    const scT = percentiles(await timeEach(views, (v) => sc.getClusters(v.bbox, v.zoom)));
    const enT = engineTimes[i]!;
    row([level, `${fmt(scT.p50)} / ${fmt(scT.p95)}`, `${fmt(enT.p50)} / ${fmt(enT.p95)}`, `${(enT.p50 / scT.p50).toFixed(2)}×`]);
  }
  const scCity = percentiles(await timeEach(Array(200).fill(cityOnly), (v: View) => sc.getClusters(v.bbox, v.zoom)));
  row([DATA === 'country' ? 'region, whole country' : 'district, whole city', `${fmt(scCity.p50)} / ${fmt(scCity.p95)}`, `${fmt(enCity.p50)} / ${fmt(enCity.p95)}`, `${(enCity.p50 / scCity.p50).toFixed(2)}×`]);
  if (!args.keep) fs.rmSync(work, { recursive: true, force: true });
  else line(`\nkept ${work}`);
}

async function sqliteBaseline(dataDir: string, engine: EmbeddedEngine): Promise<void> {
  const db = new Database(path.join(dataDir, 'roost.db'), { readonly: true });
  const [w, s, e, n] = CITY_VIEW;
  const groupBy = db.prepare(
    `SELECT district, COUNT(*), AVG(lat), AVG(lon), AVG(price) FROM listings
     WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? AND price BETWEEN ? AND ?
       AND type IN (SELECT value FROM json_each(?)) AND COALESCE(bedrooms, -1) >= ?
     GROUP BY district`,
  );
  const sqliteRun = (v: View) =>
    groupBy.all(s, n, w, e, v.filters.priceMin ?? 0, v.filters.priceMax ?? 2 ** 31, JSON.stringify(v.filters.types ?? ['entire', 'private', 'shared']), v.filters.bedsMin ?? -1);
  row(['filters', 'SQLite p50 ms', 'engine p50 ms', 'SQLite / engine']);
  row(['---', '---', '---', '---']);
  const ratios: number[] = [];
  for (const filters of FILTER_MIX) {
    const v: View = { zoom: 10, bbox: CITY_VIEW, filters };
    const sq = percentiles(await timeEach(Array(7).fill(v), sqliteRun));
    const en = percentiles(await timeEach(Array(100).fill(v), (x: View) => engine.search(x)));
    ratios.push(sq.p50 / en.p50);
    row([JSON.stringify(filters).replace(/"/g, ''), fmt(sq.p50), fmt(en.p50), `${Math.round(sq.p50 / en.p50).toLocaleString('en-US')}×`]);
  }
  line();
  line(`smallest ratio: ${Math.round(Math.min(...ratios))}× (a filtered view scans every row in the box; an unfiltered one adds up cell totals)`);
  db.close();
}

if (args.store !== 'sqlite' && args.store !== 'postgres') {
  process.stderr.write(`bench: --store must be sqlite or postgres, not ${args.store}\n`);
  process.exit(2);
}
const run = args.engine === 'opensearch' ? (args.store === 'postgres' ? () => postgresCatchUp(N) : () => clusterBench(N, Q, args.keep)) : args.engine === 'embedded' ? main : null;
if (!run) {
  process.stderr.write(`bench: --engine must be embedded or opensearch, not ${args.engine}\n`);
  process.exit(2);
}
run().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
