/**
 * Photos that arrive with listings from other sites take the uploads' road: fetched once
 * in the background from the hosts the operator allows, re-encoded, stored, served from
 * our own origin, and each listing's URLs replaced by our own in one write. Against an
 * HTTPS image host of the test's own on loopback (real images, a redirect off the allowed
 * hosts, a page that is not a photo, a 404, a host that fails and then answers).
 */
import crypto from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoostServer } from '../server/app-server';
import { ownPhotoUrl } from '../server/contract/photos';
import { PhotoFetchPolicy } from '../server/photos/photo-fetch-policy';
import { PhotoFetcher } from '../server/photos/photo-fetcher';
import { PhotoImporter } from '../server/photos/photo-importer';
import { SqlitePhotoImportStore } from '../server/photos/sqlite-photo-import-store';
import { SqlitePhotoStore } from '../server/photos/sqlite-photo-store';
import { ImageServer, testJpeg } from './helpers/image-server';
import { startApi, tempDir } from './helpers/roost';

const TOKEN = 'photo-import-test-admin-token-0123456789abcdef';
const base = { lat: 40.69, lon: -73.97, price: 2400, type: 'entire', district: 'Brooklyn', neighbourhood: 'Fort Greene' };
const sha = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

async function eventually<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: last ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('photo import through the server (PHOTO_IMPORT_HOSTS)', () => {
  let img: ImageServer;
  let api: RoostServer & { url: string };
  const bytes: Record<string, Buffer> = {};
  const write = (method: string, path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const photosOf = async (id: string) => ((await (await fetch(`${api.url}/api/listings/${id}`)).json()) as { photos?: string[] }).photos;
  const allowed = (u: string) => u.startsWith(`https://localhost:${img.port}/`);

  beforeAll(async () => {
    img = await ImageServer.start();
    for (const [name, seed] of [['1', 1], ['shared', 2], ['3', 3], ['4', 4]] as const) {
      bytes[name] = await testJpeg(seed);
      img.image(`/${name}.jpg`, bytes[name]!);
    }
    // The same picture under a second URL: one stored photo.
    img.image('/1-copy.jpg', bytes['1']!);
    img.route('/moved3', (_req, res) => {
      res.writeHead(302, { location: '/3.jpg' });
      res.end();
    });
    img.route('/away', (_req, res) => {
      res.writeHead(302, { location: img.url('/b.jpg', '127.0.0.1') });
      res.end();
    });
    img.image('/page.jpg', Buffer.from('<!doctype html><p>not a photo'));
    api = await startApi(tempDir('photo-import'), {
      ADMIN_TOKEN: TOKEN,
      PHOTO_IMPORT_HOSTS: `localhost:${img.port}`,
      PHOTO_IMPORT_ALLOW_PRIVATE: '1',
      PHOTO_IMPORT_CA: img.caFile,
      PHOTO_IMPORT_RATE: '50',
    });
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await img?.stop();
  });

  it('fetches each photo once, stores it, and rewrites each listing to our own URLs in one write; refused and dead URLs are dropped, other hosts\' kept', async () => {
    // A photo uploaded to another listing, named by one of these: it stays where it is.
    const holder = (await (await write('POST', '/api/listings', { ...base, id: 'holder', title: 'Holder' })).json()) as { id: string };
    const upload = await fetch(`${api.url}/api/listings/${holder.id}/photos`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'image/jpeg' }, body: new Uint8Array(await testJpeg(9)) });
    const uploaded = ((await upload.json()) as { url: string }).url;
    const from = await api.engine.log.lastSeq();
    const listings = {
      l1: [img.url('/1.jpg'), img.url('/shared.jpg'), 'https://elsewhere.example/x.jpg', img.url('/1-copy.jpg')],
      l2: [img.url('/shared.jpg'), img.url('/missing.jpg')],
      l3: [img.url('/away'), img.url('/page.jpg'), img.url('/moved3')],
      l4: [uploaded, img.url('/4.jpg')],
    };
    for (const [id, photos] of Object.entries(listings)) expect((await write('POST', '/api/listings', { ...base, id, title: id, photos })).status).toBe(201);

    for (const id of Object.keys(listings)) await eventually(`${id} rewritten`, () => photosOf(id), (p) => !(p ?? []).some(allowed));
    const own = (name: string) => ownPhotoUrl(sha(bytes[name]!));
    expect(await photosOf('l1')).toEqual([own('1'), own('shared'), 'https://elsewhere.example/x.jpg']);
    expect(await photosOf('l2')).toEqual([own('shared')]);
    expect(await photosOf('l3')).toEqual([ownPhotoUrl(sha(bytes['3']!))]);
    expect(await photosOf('l4')).toEqual([uploaded, own('4')]);

    // Each URL asked for once; the redirect's target off the list never.
    expect(Object.fromEntries(['/1.jpg', '/1-copy.jpg', '/shared.jpg', '/missing.jpg', '/moved3', '/3.jpg', '/4.jpg', '/away', '/b.jpg', '/page.jpg'].map((p) => [p, img.count(p)]))).toEqual({
      '/1.jpg': 1, '/1-copy.jpg': 1, '/shared.jpg': 1, '/missing.jpg': 1, '/moved3': 1, '/3.jpg': 1, '/4.jpg': 1, '/away': 1, '/b.jpg': 0, '/page.jpg': 1,
    });
    // One write per listing after its creation: the importer's, through the log.
    const changes = (await api.engine.log.changesAfter(from, 1_000)).filter((e) => e.listingId in listings);
    expect(Object.fromEntries(Object.keys(listings).map((id) => [id, changes.filter((e) => e.listingId === id).length]))).toEqual({ l1: 2, l2: 2, l3: 2, l4: 2 });

    // Served from here, re-encoded at each width.
    const served = await fetch(`${api.url}${own('shared')}?w=400`);
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/webp']);
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 400, 300]);

    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    const figure = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\d+)`, 'm').exec(metrics)?.[1]);
    expect(figure('roost_photo_import_fetched_total')).toBe(5);
    expect(figure('roost_photo_import_listings_rewritten_total')).toBe(4);
    expect(figure('roost_photo_import_given_up_total')).toBe(3);
    expect(figure('roost_photo_import_failures_total{reason="host_refused"}')).toBe(1);
    expect(figure('roost_photo_import_failures_total{reason="http_status"}')).toBe(1);
    expect(figure('roost_photo_import_failures_total{reason="not_an_image"}')).toBe(1);
    expect(figure('roost_photo_import_failures_total{reason="timeout"}')).toBe(0);
    expect(figure('roost_photo_import_queue')).toBe(0);
    expect(figure('roost_photo_import_holder')).toBe(1);
    expect(figure('roost_photo_import_bytes_total')).toBe(['1', '1', 'shared', '3', '4'].reduce((n, k) => n + bytes[k]!.length, 0));
  });

  it('a URL seen before is never fetched again: written back (a re-import) it is rewritten at once, and a dead one dropped at once', async () => {
    const asked = img.arrivals.length;
    expect((await write('PATCH', '/api/listings/l2', { photos: [img.url('/shared.jpg'), img.url('/1.jpg'), img.url('/missing.jpg')] })).status).toBe(200);
    expect((await write('POST', '/api/listings', { ...base, id: 'l5', title: 'l5', photos: [img.url('/missing.jpg'), img.url('/4.jpg')] })).status).toBe(201);
    await eventually('l2 rewritten again', () => photosOf('l2'), (p) => !(p ?? []).some(allowed));
    await eventually('l5 rewritten', () => photosOf('l5'), (p) => !(p ?? []).some(allowed));
    expect(await photosOf('l2')).toEqual([ownPhotoUrl(sha(bytes['shared']!)), ownPhotoUrl(sha(bytes['1']!))]);
    expect(await photosOf('l5')).toEqual([ownPhotoUrl(sha(bytes['4']!))]);
    expect(img.arrivals.length).toBe(asked);
  });
});

describe('photo importer: retries, giving up, pace, one node at a time', () => {
  let img: ImageServer;
  let api: RoostServer & { url: string };
  let photos: SqlitePhotoStore;
  let imports: SqlitePhotoImportStore;
  const importers: PhotoImporter[] = [];
  let good: Buffer;
  let flaky: Buffer;

  function importer(node: string, policy = new PhotoFetchPolicy([`localhost:${img.port}`], true)): PhotoImporter {
    const fetcher = new PhotoFetcher(policy, { ca: img.ca, limits: { headersMs: 2_000, totalMs: 4_000 } });
    const made = new PhotoImporter({ engine: api.engine, photos, imports, policy, fetcher, node }, { retryBaseMs: 100, maxFailures: 3, perHostPerSecond: 10, fetchesAtOnce: 2, leaseMs: 3_000 }, [`localhost:${img.port}`]);
    importers.push(made);
    return made;
  }

  beforeAll(async () => {
    img = await ImageServer.start();
    good = await testJpeg(20);
    flaky = await testJpeg(21);
    img.image('/good.jpg', good);
    let tries = 0;
    img.route('/flaky.jpg', (_req, res) => {
      if (++tries <= 2) {
        res.writeHead(503);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(flaky);
    });
    img.route('/down.jpg', (_req, res) => {
      res.writeHead(503);
      res.end();
    });
    for (let i = 0; i < 12; i++) img.image(`/many-${i}.jpg`, await testJpeg(100 + i, 64, 48), { delayMs: 30 });
    const dir = tempDir('photo-importer');
    // No PHOTO_IMPORT_HOSTS: the server's own importer is off; the test drives its own.
    api = await startApi(dir, { ADMIN_TOKEN: TOKEN });
    photos = new SqlitePhotoStore(dir);
    imports = new SqlitePhotoImportStore(dir);
  }, 30_000);
  afterAll(async () => {
    for (const i of importers) await i.stop();
    await photos?.close();
    await imports?.close();
    await api?.close();
    await img?.stop();
  });

  it('retries a failing host after a growing wait, fetches what comes back, and gives up (dropping the URL) after the last try', async () => {
    const url = (p: string) => img.url(p);
    await api.engine.write({ op: 'put', record: { ...base, id: 'f', title: 'f', type: 'entire', bedrooms: 1, photos: [url('/flaky.jpg'), url('/down.jpg'), url('/good.jpg')], listedAt: Date.now(), updatedAt: Date.now() } });
    const one = importer('node-a');
    await one.pass();
    // Until their retries, the listing keeps the URLs that failed; what came home is in place.
    const first = (await api.engine.get('f'))!.photos!;
    expect(first.slice(-1)).toEqual([ownPhotoUrl(sha(good))]);
    expect(first).toContain(url('/down.jpg'));
    expect((await imports.sources([url('/down.jpg')])).get(url('/down.jpg'))).toMatchObject({ dead: false, hash: null, lastError: 'http_status: answered 503' });
    for (let round = 0; round < 40 && (await api.engine.get('f'))!.photos!.some((p) => p.startsWith('https://')); round++) {
      await new Promise((r) => setTimeout(r, 100));
      await one.pass();
    }
    expect((await api.engine.get('f'))!.photos).toEqual([ownPhotoUrl(sha(flaky)), ownPhotoUrl(sha(good))]);
    expect([img.count('/flaky.jpg'), img.count('/down.jpg'), img.count('/good.jpg')]).toEqual([3, 3, 1]);
    expect((await imports.sources([url('/down.jpg')])).get(url('/down.jpg'))).toMatchObject({ failures: 3, dead: true });
    // Waits grow: the third try came at least 100 + 400 ms after the first.
    const downs = img.arrivals.filter((a) => a.path === '/down.jpg').map((a) => a.at);
    expect(downs[1]! - downs[0]!).toBeGreaterThanOrEqual(100);
    expect(downs[2]! - downs[1]!).toBeGreaterThanOrEqual(400);
    expect(one.tally).toMatchObject({ fetched: 2, givenUp: 1 });
    expect(await imports.queued()).toBe(0);
  });

  it('a photo brought home by one worker is not fetched again by another whose listing looked before', async () => {
    // x names a slow photo, then a quick one; y names the quick one. Two workers take x and
    // y together: y's worker brings the quick one home while x's still waits for the slow.
    img.image('/slow.jpg', await testJpeg(30), { delayMs: 600 });
    img.image('/quick.jpg', await testJpeg(31));
    const now = Date.now();
    await api.engine.write({ op: 'put', record: { ...base, id: 'x-race', title: 'x', type: 'entire', bedrooms: 1, photos: [img.url('/slow.jpg'), img.url('/quick.jpg')], listedAt: now, updatedAt: now } });
    await api.engine.write({ op: 'put', record: { ...base, id: 'y-race', title: 'y', type: 'entire', bedrooms: 1, photos: [img.url('/quick.jpg')], listedAt: now, updatedAt: now } });
    // node-a again: the lease the test before took is this node's.
    const one = importer('node-a');
    await one.pass();
    expect((await api.engine.get('x-race'))!.photos).toEqual([ownPhotoUrl(sha(await testJpeg(30))), ownPhotoUrl(sha(await testJpeg(31)))]);
    expect((await api.engine.get('y-race'))!.photos).toEqual([ownPhotoUrl(sha(await testJpeg(31)))]);
    expect([img.count('/slow.jpg'), img.count('/quick.jpg')]).toEqual([1, 1]);
  });

  it('two nodes: one holds the lease and does the work, each photo fetched once, at most a few at once and at the host\'s pace', async () => {
    const before = img.arrivals.length;
    for (let i = 0; i < 12; i++) {
      // Two listings name each photo.
      for (const side of ['a', 'b']) {
        await api.engine.write({ op: 'put', record: { ...base, id: `m-${i}-${side}`, title: 'm', type: 'entire', bedrooms: 1, photos: [img.url(`/many-${i}.jpg`)], listedAt: Date.now(), updatedAt: Date.now() } });
      }
    }
    img.mostOpen = 0;
    const b = importer('node-b');
    const c = importer('node-c');
    await Promise.all([b.pass(), c.pass()]);
    // node-a from the test before still holds the lease until its term ends: wait it out.
    const left = async () => {
      let n = 0;
      for (let i = 0; i < 12; i++) for (const side of ['a', 'b']) if ((await api.engine.get(`m-${i}-${side}`))!.photos![0]!.startsWith('https://')) n++;
      return n;
    };
    for (let round = 0; round < 60 && (await left()) > 0; round++) {
      await new Promise((r) => setTimeout(r, 200));
      await Promise.all([b.pass(), c.pass()]);
    }
    expect(await imports.queued()).toBe(0);
    expect([b.holding, c.holding].filter(Boolean)).toHaveLength(1);
    for (let i = 0; i < 12; i++) {
      expect(img.count(`/many-${i}.jpg`)).toBe(1);
      const want = ownPhotoUrl(sha(await testJpeg(100 + i, 64, 48)));
      expect((await api.engine.get(`m-${i}-a`))!.photos).toEqual([want]);
      expect((await api.engine.get(`m-${i}-b`))!.photos).toEqual([want]);
    }
    expect(img.mostOpen).toBeLessThanOrEqual(2);
    // 10 a second to one host: 12 requests span at least 1.1 s, less a new connection's
    // handshake on the first (a lower bound: a busy machine only spreads them more).
    const at = img.arrivals.slice(before).map((a) => a.at);
    expect(at).toHaveLength(12);
    expect(at[11]! - at[0]!).toBeGreaterThanOrEqual(1_100 - 250);
  }, 30_000);

  it('stopping cuts a fetch in flight and records nothing of it: its listing stays queued for the next holder', async () => {
    for (const i of importers) await i.stop();
    let arrived = false;
    // Answers nothing, ever: without the cut, the fetch would end at its 2 s deadline as a failure.
    img.route('/stall.jpg', () => {
      arrived = true;
    });
    const stall = img.url('/stall.jpg');
    await api.engine.write({ op: 'put', record: { ...base, id: 's', title: 's', type: 'entire', bedrooms: 1, photos: [stall], listedAt: Date.now(), updatedAt: Date.now() } });
    const d = importer('node-d');
    const passing = d.pass();
    for (let waited = 0; !arrived; waited += 20) {
      if (waited > 15_000) throw new Error('the stalled photo was never asked for');
      await new Promise((r) => setTimeout(r, 20));
    }
    await d.stop();
    await passing;
    expect((await imports.sources([stall])).size).toBe(0);
    expect(await imports.due(Date.now(), 100)).toContain('s');
    expect((await api.engine.get('s'))!.photos).toEqual([stall]);
    expect(d.tally.failures.size).toBe(0);
  }, 20_000);
});
