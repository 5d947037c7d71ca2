/**
 * What the photo importer costs the node that runs it: N listings each naming a distinct
 * Inside-Airbnb-sized JPEG (1200×800, ~130 KB of blurred noise: a photo's detail, not a
 * flat colour's) on an HTTPS image host of the bench's own
 * on loopback, imported by a PhotoImporter over a real engine and store, first with the
 * pace lifted (how fast one node can go, and its CPU per photo), then at the default pace
 * (PHOTO_IMPORT_RATE=4): the CPU share that takes, and the event loop's delay meanwhile
 * (what every other request on the node waits on).
 *
 *   npm run bench:photos [-- --photos 200 --paced 40]
 */
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PhotoFetchPolicy } from '../server/photos/photo-fetch-policy';
import { PhotoFetcher } from '../server/photos/photo-fetcher';
import { DEFAULT_PHOTO_IMPORT, PhotoImporter } from '../server/photos/photo-importer';
import { SqlitePhotoImportStore } from '../server/photos/sqlite-photo-import-store';
import { SqlitePhotoStore } from '../server/photos/sqlite-photo-store';
import sharp from 'sharp';
import { ImageServer } from '../test/helpers/image-server';
import { startApi, tempDir } from '../test/helpers/roost';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const PHOTOS = arg('photos', 200);
const PACED = arg('paced', 40);

process.env.ROOST_TEST_TMP ??= os.tmpdir();
process.env.LOG_LEVEL ??= 'warn';
const img = await ImageServer.start();
const dir = tempDir('bench-photos');
const api = await startApi(dir, {});
const photos = new SqlitePhotoStore(dir);
const imports = new SqlitePhotoImportStore(dir);
let sizes = 0;
for (let i = 0; i < PHOTOS + PACED; i++) {
  // Each one different (the noise is random), so each is fetched, encoded and stored.
  const bytes = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).blur(1.5).jpeg({ quality: 80 }).toBuffer();
  sizes += bytes.length;
  img.image(`/p/${i}.jpg`, bytes);
}
console.log(`${PHOTOS + PACED} JPEGs of 1200×800, ${Math.round(sizes / (PHOTOS + PACED) / 1024)} KB on average; ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`);

async function run(label: string, from: number, count: number, perHostPerSecond: number): Promise<void> {
  const now = Date.now();
  for (let i = from; i < from + count; i++) {
    await api.engine.write({ op: 'put', record: { id: `b-${i}`, title: 'b', lat: 40.7, lon: -73.9, price: 100, type: 'entire', district: 'D', neighbourhood: 'N', bedrooms: 1, photos: [img.url(`/p/${i}.jpg`)], listedAt: now, updatedAt: now } });
  }
  const policy = new PhotoFetchPolicy([`localhost:${img.port}`], true);
  const importer = new PhotoImporter(
    { engine: api.engine, photos, imports, policy, fetcher: new PhotoFetcher(policy, { ca: img.ca }), node: `bench-${label}` },
    { perHostPerSecond },
    [`localhost:${img.port}`],
  );
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const cpu = process.cpuUsage();
  const t = performance.now();
  delay.enable();
  await importer.pass();
  delay.disable();
  const wall = (performance.now() - t) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuS = (used.user + used.system) / 1e6;
  const done = importer.tally.fetched;
  const ms = (n: number) => (n / 1e6).toFixed(1);
  console.log(
    `${label.padEnd(22)} ${done} photos in ${wall.toFixed(1)} s: ${(done / wall).toFixed(1)} photos/s, CPU ${((cpuS / done) * 1000).toFixed(0)} ms a photo (${((cpuS / wall) * 100).toFixed(0)}% of a core); event loop delay p50 ${ms(delay.percentile(50))} p99 ${ms(delay.percentile(99))} max ${ms(delay.max)} ms`,
  );
  await importer.stop();
  // Release the lease for the next run's node.
  await api.engine.store.releaseLease('photo-import', `bench-${label}`);
}

// The same node doing nothing, for the event loop's delay on this machine as it is now.
const idle = monitorEventLoopDelay({ resolution: 5 });
idle.enable();
await new Promise((r) => setTimeout(r, 10_000));
idle.disable();
console.log(`${'idle (10 s)'.padEnd(22)} event loop delay p50 ${(idle.percentile(50) / 1e6).toFixed(1)} p99 ${(idle.percentile(99) / 1e6).toFixed(1)} max ${(idle.max / 1e6).toFixed(1)} ms`);
await run('pace lifted', 0, PHOTOS, 1_000_000);
await run(`default (${DEFAULT_PHOTO_IMPORT.perHostPerSecond}/s a host)`, PHOTOS, PACED, DEFAULT_PHOTO_IMPORT.perHostPerSecond);
await photos.close();
await imports.close();
await api.close();
await img.stop();
