/**
 * npm run bench:searches [-- --searches 1000000 --store sqlite,postgres --changes 5000]
 *
 * Saved searches at national scale (issue 31): N saved searches over the 40-city country
 * of bench/country.ts (80 % map views at zooms 14–16, 20 % drawn hexagons; most with a
 * budget, many with a type), written into each store in bulk, then what a node does with
 * them: loads them at start (time, and memory held once loaded), and matches changes
 * against them as the alert matcher does (a change's before and after), p50 / p99 per
 * change. The end-to-end write → alert path is `npm run bench:alerts`.
 *
 * `--alerts 50` (issue 31, item 3): then the searches get owners (`--per-owner` each, in
 * the alert store's saved_searches, as the API writes them), and the real AlertMatcher runs
 * on the real alert store while listings are written at that rate for `--seconds`: write
 * sent → its alerts committed p50 / p99, alerts a change, alert rows committed a second,
 * and each batch's commit time. What follows a commit (the doorbell, the socket frame) is
 * bench:alerts's; its cost does not grow with the number of searches.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ListingRecord } from '../server/core/listing';
import { seededRandom } from '../server/core/seeded-random';
import { SavedSearchAreas } from '../server/engine/saved-search-areas';
import type { SearchDefinition } from '../server/engine/search-engine';
import type { ListingStore } from '../server/store/listing-store';
import { openDatabase } from '../server/store/postgres/database';
import { PostgresListingStore } from '../server/store/postgres/postgres-listing-store';
import { SqliteListingStore } from '../server/store/sqlite-listing-store';
import { SqliteAlertStore } from '../server/alerts/sqlite-alert-store';
import { PostgresAlertStore } from '../server/store/postgres/postgres-alert-store';
import type { AlertStore } from '../server/alerts/alert-store';
import { runAlertLeg } from './saved-search-alerts';
import { PostgresServer } from '../test/helpers/postgres-server';
import { countryListings } from './country';
import { fmt, percentiles } from './stats';
import { viewport } from './viewports';

const { values: args } = parseArgs({
  options: {
    searches: { type: 'string', default: '1000000' },
    store: { type: 'string', default: 'sqlite,postgres' },
    changes: { type: 'string', default: '5000' },
    alerts: { type: 'string', default: '0' },
    seconds: { type: 'string', default: '20' },
    'per-owner': { type: 'string', default: '10' },
  },
});
const ALERT_RATE = Number(args.alerts);
const ALERT_SECONDS = Number(args.seconds);
const PER_OWNER = Number(args['per-owner']);
const N = Number(args.searches);
const CHANGES = Number(args.changes);
const line = (s = '') => process.stdout.write(`${s}\n`);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Homes renters search around: a sample of the country. */
const homes: ListingRecord[] = [...countryListings(200_000)];

function hexagon(lat: number, lon: number, r: number): [number, number][] {
  const ring = Array.from({ length: 6 }, (_, k) => [lon + (r * Math.cos((k * Math.PI) / 3)) / Math.cos((lat * Math.PI) / 180), lat + r * Math.sin((k * Math.PI) / 3)] as [number, number]);
  return [...ring, ring[0]!];
}

/** The searches, as bench:alerts makes them through the API, deterministic. */
function* searches(n: number): Generator<SearchDefinition> {
  const rand = seededRandom(31);
  for (let k = 0; k < n; k++) {
    const p = homes[Math.floor(rand() * homes.length)]!;
    const budget = Math.round((p.price * (0.9 + rand() * 0.4)) / 50) * 50;
    const f = rand();
    const filters = f < 0.1 ? {} : f < 0.4 ? { priceMax: budget } : { types: [p.type], priceMax: budget, ...(p.type === 'entire' ? { bedsMin: p.bedrooms ?? 0 } : {}) };
    const area = rand() < 0.2 ? { polygon: hexagon(p.lat, p.lon, 0.003 + rand() * 0.008) } : { bbox: viewport(p.lat, p.lon, 14 + Math.floor(rand() * 3)) };
    yield { id: `ss-${k}`, area, filters };
  }
}

/** The searches in rows of 20,000 (what one write to a store takes), each with the index of its first. */
function* searchBatches(n: number): Generator<{ rows: SearchDefinition[]; from: number }> {
  let rows: SearchDefinition[] = [];
  let from = 0;
  for (const s of searches(n)) {
    rows.push(s);
    if (rows.length === 20_000) {
      yield { rows, from };
      from += rows.length;
      rows = [];
    }
  }
  if (rows.length > 0) yield { rows, from };
}

async function fillSqlite(store: SqliteListingStore): Promise<void> {
  const db = store.sqlite.db;
  const put = db.prepare('INSERT INTO search_areas (id, definition) VALUES (?, ?)');
  const log = db.prepare('INSERT INTO search_area_log (id, definition) VALUES (?, ?)');
  const flush = db.transaction((rows: SearchDefinition[]) => {
    for (const s of rows) {
      const d = JSON.stringify(s);
      put.run(s.id, d);
      log.run(s.id, d);
    }
  });
  for (const { rows } of searchBatches(N)) flush(rows);
}

async function fillPostgres(url: string): Promise<void> {
  const pool = await openDatabase({ url, poolMax: 1 });
  const flush = async (rows: SearchDefinition[]) => {
    const ids = rows.map((s) => s.id);
    const defs = rows.map((s) => JSON.stringify(s));
    await pool.query('INSERT INTO search_areas (id, definition) SELECT * FROM unnest($1::text[], $2::jsonb[])', [ids, defs]);
    await pool.query("INSERT INTO search_area_log (version, id, definition) SELECT nextval('search_area_versions'), * FROM unnest($1::text[], $2::jsonb[])", [ids, defs]);
  };
  for (const { rows } of searchBatches(N)) await flush(rows);
  await pool.end();
}

const owner = (k: number) => `owner-${Math.floor(k / PER_OWNER)}`;
const NOTIFY = JSON.stringify(['new', 'price_drop', 'removed']);

/** The searches' owners and what they hear of, as the API writes them (every reason, the page only). */
function fillOwnersSqlite(alerts: SqliteAlertStore): void {
  const t = performance.now();
  const put = alerts.db.prepare("INSERT INTO saved_searches (id, session, name, area, filters, notify, paused, created_at, since, channels, frequency) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, '[\"page\"]', 'instant')");
  const flush = alerts.db.transaction((rows: SearchDefinition[], from: number) => {
    rows.forEach((s, i) => put.run(s.id, owner(from + i), 'Search', JSON.stringify(s.area), JSON.stringify(s.filters), NOTIFY));
  });
  for (const { rows, from } of searchBatches(N)) flush(rows, from);
  line(`owners: ${Math.ceil(N / PER_OWNER).toLocaleString('en-US')} (${PER_OWNER} searches each), written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function fillOwnersPostgres(url: string): Promise<void> {
  const t = performance.now();
  const pool = await openDatabase({ url, poolMax: 1 });
  const flush = async (rows: SearchDefinition[], from: number) => {
    await pool.query(
      `INSERT INTO saved_searches (id, session, name, area, filters, notify, created_at)
       SELECT id, session, 'Search', area, filters, $4::jsonb, 0 FROM unnest($1::text[], $2::text[], $3::jsonb[], $5::jsonb[]) AS t(id, session, area, filters)`,
      [rows.map((s) => s.id), rows.map((_, i) => owner(from + i)), rows.map((s) => JSON.stringify(s.area)), NOTIFY, rows.map((s) => JSON.stringify(s.filters))],
    );
  };
  for (const { rows, from } of searchBatches(N)) await flush(rows, from);
  await pool.end();
  line(`owners: ${Math.ceil(N / PER_OWNER).toLocaleString('en-US')} (${PER_OWNER} searches each), written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}

async function alertLeg(store: ListingStore, alerts: AlertStore, pgPid?: number): Promise<void> {
  await runAlertLeg({ store, alerts, homes, rate: ALERT_RATE, seconds: ALERT_SECONDS, line, ...(pgPid !== undefined ? { pgPid } : {}) });
}

/** Changes as the market makes them: a new home, a price drop (before and after), a removal. */
function changes(n: number): ListingRecord[][] {
  const rand = seededRandom(5);
  const out: ListingRecord[][] = [];
  for (let i = 0; i < n; i++) {
    const h = { ...homes[Math.floor(rand() * homes.length)]!, id: `m${i}` };
    out.push(i % 3 === 0 ? [h] : [h, { ...h, price: Math.round(h.price * 0.9) }]);
  }
  return out;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function measure(store: ListingStore): Promise<void> {
  gc();
  const before = process.memoryUsage();
  let t = performance.now();
  const areas = new SavedSearchAreas(store);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  await areas.load();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const loadS = (performance.now() - t) / 1000;
  gc();
  const after = process.memoryUsage();
  const held = areas.held;
  line(`loaded ${held.searches.toLocaleString('en-US')} saved searches in ${loadS.toFixed(1)} s (what a node does at start)`);
  line(`memory held once loaded: ${mb(after.rss - before.rss)} resident (V8 heap ${mb(after.heapUsed - before.heapUsed)}, arrays ${mb(after.arrayBuffers - before.arrayBuffers)}; the grid's own arrays ${mb(held.bytes)}); resident peak while loading ${mb(peak - before.rss)} above the start`);
  const sample = changes(CHANGES);
  for (const s of sample.slice(0, 300)) areas.matchLoaded(s);
  const cost: number[] = [];
  // CPU time too: on a machine shared with other work, wall-clock tails are mostly waits for a core.
  const cpu: number[] = [];
  let matches = 0;
  for (const s of sample) {
    const c = process.cpuUsage();
    t = performance.now();
    const got = areas.matchLoaded(s);
    cost.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
    matches += got.reduce((n, ids) => n + ids.length, 0);
  }
  const pc = percentiles(cost);
  const pu = percentiles(cpu);
  line(`matching a change (before and after) against them: p50 ${fmt(pc.p50)} ms, p95 ${fmt(pc.p95)} ms, p99 ${fmt(pc.p99)} ms over ${CHANGES.toLocaleString('en-US')} changes; ${(matches / sample.length).toFixed(1)} matching searches a change`);
  line(`  CPU time a change: p50 ${fmt(pu.p50)} ms, p95 ${fmt(pu.p95)} ms, p99 ${fmt(pu.p99)} ms; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  // As the matcher calls it: a batch's states at once, after one read of the areas' log.
  const batches: number[] = [];
  for (let i = 0; i < sample.length; i += 50) {
    const states = sample.slice(i, i + 50).flat();
    t = performance.now();
    await areas.percolate(states);
    batches.push(performance.now() - t);
  }
  const pb = percentiles(batches);
  line(`a matcher batch of 50 changes (percolate: the areas' log read once, then every state): p50 ${fmt(pb.p50)} ms, p99 ${fmt(pb.p99)} ms — ${fmt(pb.p50 / 50)} ms a change at p50`);
}

async function main(): Promise<void> {
  const stores = args.store.split(',');
  line(`# Saved searches at national scale — ${N.toLocaleString('en-US')} searches over the country of bench/country.ts`);
  line(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; date: ${new Date().toISOString()}`);
  for (const kind of stores) {
    line();
    line(`## ${kind === 'postgres' ? 'PostgreSQL' : 'SQLite'}`);
    const t = performance.now();
    if (kind === 'sqlite') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-searches-'));
      const writer = new SqliteListingStore(dir);
      await fillSqlite(writer);
      await writer.close();
      line(`written in bulk in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const store = new SqliteListingStore(dir);
      await measure(store);
      if (ALERT_RATE > 0) {
        const alerts = new SqliteAlertStore(dir);
        fillOwnersSqlite(alerts);
        await alertLeg(store, alerts);
        await alerts.close();
      }
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    } else if (kind === 'postgres') {
      const pg = await PostgresServer.start();
      try {
        const url = await pg.createDatabase('roost_searches_bench');
        await fillPostgres(url);
        line(`written in bulk in ${((performance.now() - t) / 1000).toFixed(1)} s`);
        const pool = await openDatabase({ url, poolMax: 4 });
        const store = new PostgresListingStore(pool);
        await measure(store);
        if (ALERT_RATE > 0) {
          await fillOwnersPostgres(url);
          await alertLeg(store, new PostgresAlertStore(pool), pg.pid);
        }
        await store.close();
      } finally {
        await pg.stop();
      }
    } else {
      throw new Error(`--store takes sqlite, postgres or both, not ${kind}`);
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:searches failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
