/**
 * The photo importer survives its node's death: `npm run import` loads listings whose
 * photos live on an HTTPS image host of the test's own, a node starts bringing them home
 * and is SIGKILLed mid-way, another node takes the lease over and finishes. Nothing is
 * doubled — no listing names a photo twice, no photo is stored twice, no listing is
 * rewritten twice — and only what was in flight at the kill is fetched again.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownPhotoUrl } from '../server/contract/photos';
import { DEFAULT_PHOTO_IMPORT } from '../server/photos/photo-importer';
import { ImageServer, testJpeg } from './helpers/image-server';
import { NodeProcess } from './helpers/node-process';
import { runImport, tempDir } from './helpers/roost';

const PHOTOS = 30;
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

describe('photo import across a node crash', () => {
  let img: ImageServer;
  const nodes: NodeProcess[] = [];
  const images: Buffer[] = [];

  beforeAll(async () => {
    img = await ImageServer.start();
    for (let i = 0; i < PHOTOS; i++) {
      images.push(await testJpeg(i + 1, 320, 240));
      // Slow enough that the kill lands with fetches in flight.
      img.image(`/p/${i}.jpg`, images[i]!, { delayMs: 150 });
    }
  }, 60_000);
  afterAll(async () => {
    for (const n of nodes) await n.kill();
    await img?.stop();
  });

  it('a node killed mid-way: the next one finishes, nothing doubled', async () => {
    const dataDir = tempDir('photo-crash');
    // 40 listings: the first 30 name photo i and i+1; ten more name photos the others do.
    const expected = new Map<string, number[]>();
    const lines: string[] = [];
    for (let n = 0; n < 40; n++) {
      const which = n < PHOTOS ? [n, (n + 1) % PHOTOS] : [(n * 7) % PHOTOS];
      expected.set(`home-${n}`, which);
      lines.push(JSON.stringify({ id: `home-${n}`, title: `Home ${n}`, lat: 40.7 + n / 1000, lon: -73.95, price: 2000 + n, type: 'entire', photos: which.map((i) => img.url(`/p/${i}.jpg`)) }));
    }
    const file = path.join(dataDir, 'homes.ndjson');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const imported = await runImport(dataDir, [file]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout.trim().split('\n').pop()).toBe('imported 40, updated 0, skipped 0');

    const env = {
      DATA_DIR: dataDir,
      PHOTO_IMPORT_HOSTS: `localhost:${img.port}`,
      PHOTO_IMPORT_ALLOW_PRIVATE: '1',
      PHOTO_IMPORT_CA: img.caFile,
      PHOTO_IMPORT_RATE: '20',
    };
    const first = await NodeProcess.start(env);
    nodes.push(first);
    // Killed once it has rewritten a few listings, with more in hand.
    const rewritten = async () => Number(/^roost_photo_import_listings_rewritten_total (\d+)/m.exec(await (await fetch(`${first.url}/metrics`)).text())?.[1] ?? 0);
    const deadline = Date.now() + 20_000;
    while ((await rewritten()) < 3) {
      if (Date.now() > deadline) throw new Error(`the first node rewrote nothing: ${first.stderr()}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await first.kill('SIGKILL');
    const atKill = img.arrivals.length;
    expect(atKill).toBeLessThan(PHOTOS);

    // The next node waits out the dead one's lease, then goes on from the record.
    const second = await NodeProcess.start(env);
    nodes.push(second);
    const photosOf = async (id: string) => ((await (await fetch(`${second.url}/api/listings/${id}`)).json()) as { photos?: string[] }).photos ?? [];
    const remote = (p: string) => p.startsWith('https://');
    const until = Date.now() + DEFAULT_PHOTO_IMPORT.leaseMs + 30_000;
    for (;;) {
      let left = 0;
      for (const id of expected.keys()) if ((await photosOf(id)).some(remote)) left++;
      if (left === 0) break;
      if (Date.now() > until) throw new Error(`${left} listings still name remote photos: ${second.stderr()}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    for (const [id, which] of expected) expect(await photosOf(id), id).toEqual(which.map((i) => ownPhotoUrl(sha(images[i]!))));
    // Fetched once each, but for those in flight when the first node died (at most a few at once).
    const twice = [...img.requests.entries()].filter(([, n]) => n > 1);
    expect(Math.max(...img.requests.values())).toBeLessThanOrEqual(2);
    expect(twice.length).toBeLessThanOrEqual(DEFAULT_PHOTO_IMPORT.fetchesAtOnce);
    expect(img.requests.size).toBe(PHOTOS);
    const served = await fetch(`${second.url}${ownPhotoUrl(sha(images[7]!))}?w=400`);
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/webp']);
    await second.kill('SIGTERM');

    const photosDb = new Database(path.join(dataDir, 'photos.db'), { readonly: true });
    const listingsDb = new Database(path.join(dataDir, 'roost.db'), { readonly: true });
    try {
      expect(photosDb.prepare('SELECT COUNT(DISTINCT hash) AS n, COUNT(*) AS rows FROM photos').get()).toEqual({ n: PHOTOS, rows: PHOTOS * 3 });
      expect(photosDb.prepare('SELECT COUNT(*) AS n FROM photo_import_queue').get()).toEqual({ n: 0 });
      expect(photosDb.prepare('SELECT COUNT(*) AS n FROM photo_sources WHERE hash IS NOT NULL').get()).toEqual({ n: PHOTOS });
      // Each listing: its import, then one rewrite (by whichever node got to it).
      const perListing = listingsDb.prepare('SELECT listing_id, COUNT(*) AS n FROM changes GROUP BY listing_id').all() as { listing_id: string; n: number }[];
      expect(perListing).toHaveLength(40);
      expect(perListing.filter((r) => r.n !== 2)).toEqual([]);
    } finally {
      photosDb.close();
      listingsDb.close();
    }
  }, 120_000);
});
