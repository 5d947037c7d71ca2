/**
 * npm run bench:import [-- --rows N --runs K]: the whole `npm run import` command on an
 * Inside Airbnb CSV and on ndjson of the demo city, into a fresh DATA_DIR each run; prints
 * rows/s per run as BENCHMARKS.md records them. The CSV is the file a city operator brings
 * (summary columns, `$1,234.00` prices, dates, quoted names with commas).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { demoCity } from '../server/demo/demo-city';
import { writeDemoFile } from './demo-file';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-import-bench-'));

const ROOM: Record<string, string> = { entire: 'Entire home/apt', private: 'Private room', shared: 'Shared room' };
const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function writeAirbnbCsv(n: number, file: string): void {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'id,name,host_id,host_name,neighbourhood_group,neighbourhood,latitude,longitude,room_type,price,minimum_nights,number_of_reviews,last_review,reviews_per_month,calculated_host_listings_count,availability_365\n');
  let buf: string[] = [];
  for (const r of demoCity(n)) {
    const day = new Date(r.listedAt).toISOString().slice(0, 10);
    buf.push([r.id, csvField(`${r.title}, near the park`), '1', 'Host', csvField(r.district), csvField(r.neighbourhood), r.lat.toFixed(5), r.lon.toFixed(5), ROOM[r.type]!, `"$${r.price.toLocaleString('en-US')}.00"`, '2', '10', day, '0.5', '1', '300'].join(','));
    if (buf.length === 10_000) {
      fs.writeSync(out, `${buf.join('\n')}\n`);
      buf = [];
    }
  }
  if (buf.length) fs.writeSync(out, `${buf.join('\n')}\n`);
  fs.closeSync(out);
}

function timeImport(file: string, label: string): void {
  const figures: string[] = [];
  for (let i = 0; i < runs; i++) {
    const dataDir = fs.mkdtempSync(path.join(dir, 'data-'));
    const started = performance.now();
    const r = spawnSync('node', ['--import', 'tsx', 'server/cli/import.ts', file], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
    const last = r.stdout.trim().split('\n').at(-1);
    figures.push(`${Math.round(rows / seconds).toLocaleString('en-US')} rows/s (${seconds.toFixed(1)} s; ${last})`);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(`${label}:`);
  for (const f of figures) console.log(`  ${f}`);
}

try {
  const csv = path.join(dir, 'listings.csv');
  const ndjson = path.join(dir, 'listings.ndjson');
  writeAirbnbCsv(rows, csv);
  writeDemoFile(rows, ndjson);
  console.log(`${rows.toLocaleString('en-US')} rows; CSV ${(fs.statSync(csv).size / 1e6).toFixed(0)} MB, ndjson ${(fs.statSync(ndjson).size / 1e6).toFixed(0)} MB; whole command, fresh DATA_DIR each run`);
  timeImport(csv, 'Inside Airbnb CSV');
  timeImport(ndjson, 'ndjson');
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
