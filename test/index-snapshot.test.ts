import fs from 'node:fs';
import { TERMS_VERSION } from '../server/core/text-match';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LISTING_TYPES, type ListingRecord } from '../server/core/listing';
import { demoCity } from '../server/demo/demo-city';
import { EmbeddedEngine } from '../server/engine/embedded/embedded-engine';
import { SNAPSHOT_FILE, SNAPSHOT_FORMAT } from '../server/engine/embedded/index-snapshot';
import { SqliteStore } from '../server/engine/embedded/sqlite-store';
import { SnapshotWhileImporting } from '../server/import/snapshot-while-importing';
import type { Bbox, Filters, SearchQuery } from '../server/engine/search-engine';
import { seededRandom } from '../server/core/seeded-random';
import { tempDir } from './helpers/roost';
import { postgresBin, PostgresServer } from './helpers/postgres-server';
import { openDatabase } from '../server/store/postgres/database';
import { PostgresListingStore } from '../server/store/postgres/postgres-listing-store';

const T0 = 1_700_000_000_000;

/** Listings with what a snapshot must carry besides the demo city's: other currencies, nightly prices, texts, Chinese names. */
function mixed(n: number, seed: number): ListingRecord[] {
  const rand = seededRandom(seed);
  const out = [...demoCity(n, seed)];
  for (let i = 0; i < 500; i++) {
    out.push({
      id: `x${i}`,
      title: i % 3 === 0 ? `静安 公寓 ${i}` : `Quiet loft ${i} near the river`,
      description: i % 2 === 0 ? `Bright and sunny, number ${i}` : undefined,
      lat: 31.2 + rand() * 0.1,
      lon: 121.4 + rand() * 0.1,
      price: Math.floor(rand() * 20000),
      currency: i % 4 === 0 ? 'CNY' : 'EUR',
      pricePer: i % 5 === 0 ? 'night' : 'month',
      type: LISTING_TYPES[i % 3]!,
      district: i % 2 ? '静安区' : 'Xuhui',
      neighbourhood: `N${i % 7}`,
      bedrooms: i % 6 === 0 ? null : i % 4,
      listedAt: T0 + i * 1000,
      updatedAt: T0 + i * 1000,
    } as ListingRecord);
  }
  return out;
}

function queries(seed: number): SearchQuery[] {
  const rand = seededRandom(seed);
  const out: SearchQuery[] = [];
  const filters: Filters[] = [{}, { priceMax: 3000 }, { types: ['entire'], bedsMin: 2 }, { q: 'sunny' }, { q: '公寓' }, { priceMin: 1000, types: ['private', 'shared'] }];
  for (let i = 0; i < 120; i++) {
    const zoom = 3 + Math.floor(rand() * 15);
    const span = 360 / 2 ** zoom;
    const [lat, lon] = rand() < 0.8 ? [40.5 + rand() * 0.4, -74.2 + rand() * 0.4] : [31.2 + rand() * 0.1, 121.4 + rand() * 0.1];
    const bbox: Bbox = [lon - span, lat - span / 2, lon + span, lat + span / 2];
    out.push({ bbox, zoom, filters: filters[i % filters.length]!, ...(i % 7 === 0 ? { polygon: [[lon - span / 2, lat - span / 4], [lon + span / 2, lat - span / 4], [lon, lat + span / 4], [lon - span / 2, lat - span / 4]] } : {}) });
  }
  return out;
}

/** Everything a renter can see of an engine's index: searches, lists, single listings. */
async function answers(engine: EmbeddedEngine, ids: string[]) {
  const out: unknown[] = [];
  for (const q of queries(5)) {
    out.push(await engine.search(q));
    out.push(await engine.list({ bbox: q.bbox, filters: q.filters, ...(q.polygon ? { polygon: q.polygon } : {}), sort: 'newest', limit: 7 }));
  }
  for (const id of ids) out.push(engine.index.get(id));
  out.push(engine.index.count);
  return out;
}

const open: EmbeddedEngine[] = [];
async function openEngine(dataDir: string): Promise<EmbeddedEngine> {
  const engine = await EmbeddedEngine.open({ dataDir, pollIntervalMs: 60_000, snapshotMinListings: 0 });
  open.push(engine);
  return engine;
}
afterEach(async () => {
  for (const e of open.splice(0)) await e.close();
});

describe('the index snapshot', () => {
  it('round-trips: an engine started from it answers exactly as one built from the store', async () => {
    const dir = tempDir('snapshot-round-trip');
    const listings = mixed(6_000, 3);
    const ids = [...listings.slice(0, 50), ...listings.slice(-50)].map((r) => r.id).concat(['missing']);
    const first = await openEngine(dir);
    expect(first.indexSource).toBe('store');
    await first.upsertMany(listings);
    await first.close();
    open.length = 0;
    fs.rmSync(path.join(dir, SNAPSHOT_FILE));
    // Built from the store (6,500 listings), then written: the next start reads it.
    const built = await openEngine(dir);
    expect(built.indexSource).toBe('store');
    expect(fs.existsSync(path.join(dir, SNAPSHOT_FILE))).toBe(true);
    const want = await answers(built, ids);
    await built.close();
    open.length = 0;
    const read = await openEngine(dir);
    expect(read.indexSource).toBe('snapshot');
    expect(await answers(read, ids)).toEqual(want);
  });

  it('follows the log from where it was taken, and takes writes after it as a built index does', async () => {
    const dir = tempDir('snapshot-replay');
    const first = await openEngine(dir);
    await first.upsertMany(mixed(4_000, 4));
    await first.close();
    open.length = 0;
    fs.rmSync(path.join(dir, SNAPSHOT_FILE));
    await (await openEngine(dir)).close(); // built from the store, then written
    open.length = 0;
    // Changes after the snapshot: moves, new listings, removals, a new currency.
    const writer = await openEngine(dir);
    const rand = seededRandom(9);
    const changed: ListingRecord[] = [];
    for (let i = 0; i < 300; i++) {
      const r = [...demoCity(1, 1000 + i)][0]!;
      changed.push({ ...r, id: `demo-${1 + Math.floor(rand() * 4000)}`, price: Math.floor(rand() * 9000), currency: 'GBP' });
    }
    for (let i = 0; i < 100; i++) changed.push({ ...[...demoCity(1, 5000 + i)][0]!, id: `new-${i}` });
    await writer.upsertMany(changed);
    await writer.removeMany(['demo-1', 'demo-2', 'x3', 'x4', 'new-5']);
    await writer.close();
    open.length = 0;
    const fromSnapshot = await openEngine(dir);
    expect(fromSnapshot.indexSource).toBe('snapshot');
    await fromSnapshot.catchUp(true);
    // After a write on top of the replayed changes too.
    await fromSnapshot.upsertMany([{ ...changed[0]!, price: 1 }]);
    const ids = ['demo-1', 'demo-3', 'x3', 'x5', 'new-5', 'new-6', changed[0]!.id];
    const got = await answers(fromSnapshot, ids);
    await fromSnapshot.close();
    open.length = 0;
    fs.rmSync(path.join(dir, SNAPSHOT_FILE));
    const fromStore = await openEngine(dir);
    expect(fromStore.indexSource).toBe('store');
    expect(got).toEqual(await answers(fromStore, ids));
  });

  it('is not used, and is rebuilt, when it is of another store, cut short, ahead of the log, or of another format', async () => {
    const a = tempDir('snapshot-a');
    const b = tempDir('snapshot-b');
    for (const dir of [a, b]) {
      const e = await openEngine(dir);
      await e.upsertMany(mixed(1_000, dir === a ? 1 : 2));
      await e.close();
      open.length = 0;
      fs.rmSync(path.join(dir, SNAPSHOT_FILE));
      await (await openEngine(dir)).close();
      open.length = 0;
    }
    const snapA = path.join(a, SNAPSHOT_FILE);
    const snapB = path.join(b, SNAPSHOT_FILE);
    const reopen = async (dir: string) => {
      const e = await openEngine(dir);
      const source = e.indexSource;
      const count = e.index.count;
      await e.close();
      open.length = 0;
      return { source, count };
    };
    expect(await reopen(b)).toEqual({ source: 'snapshot', count: 1_500 });

    // Another store's snapshot: same size and shape, another store id.
    fs.copyFileSync(snapA, snapB);
    expect((await reopen(b)).source).toBe('store');
    expect(await reopen(b)).toEqual({ source: 'snapshot', count: 1_500 });

    // Cut short.
    fs.truncateSync(snapB, fs.statSync(snapB).size - 100);
    expect((await reopen(b)).source).toBe('store');
    expect((await reopen(b)).source).toBe('snapshot');

    // A store put back from an older copy: the snapshot's change is gone (the log ends
    // before it), or another change has its number.
    const older = fs.readFileSync(path.join(b, 'roost.db'));
    const putBack = () => {
      for (const f of ['roost.db-wal', 'roost.db-shm']) fs.rmSync(path.join(b, f), { force: true });
      fs.writeFileSync(path.join(b, 'roost.db'), older);
    };
    const later = await openEngine(b);
    await later.upsertMany([{ ...mixed(1, 7)[0]!, id: 'later' }]);
    await later.close();
    open.length = 0;
    fs.rmSync(snapB);
    expect(await reopen(b)).toEqual({ source: 'store', count: 1_501 }); // snapshot at change 1,501: 'later'
    putBack();
    const other = new SqliteStore(b);
    other.upsertMany([{ ...mixed(1, 8)[0]!, id: 'other' }]);
    other.close();
    expect(await reopen(b)).toEqual({ source: 'store', count: 1_501 }); // change 1,501 is 'other' now
    expect(await reopen(b)).toEqual({ source: 'snapshot', count: 1_501 });
    putBack();
    expect(await reopen(b)).toEqual({ source: 'store', count: 1_500 }); // the log ends at 1,500

    // Another format.
    const bytes = fs.readFileSync(snapB);
    const text = bytes.toString('latin1');
    const at = text.indexOf(`"format":${SNAPSHOT_FORMAT}`);
    expect(at).toBeGreaterThan(0);
    bytes.write('"format":9', at, 'latin1');
    fs.writeFileSync(snapB, bytes);
    expect((await reopen(b)).source).toBe('store');
    expect((await reopen(b)).source).toBe('snapshot');

    // Keywords made another way (before Chinese pairs): found nothing where they should.
    const again = fs.readFileSync(snapB);
    const at2 = again.toString('latin1').indexOf(`"terms":${TERMS_VERSION}`);
    expect(at2).toBeGreaterThan(0);
    again.write('"terms":9', at2, 'latin1');
    fs.writeFileSync(snapB, again);
    expect((await reopen(b)).source).toBe('store');
    expect((await reopen(b)).source).toBe('snapshot');
  });
});

describe('an import into an empty store', () => {
  /** As the import's store thread does: asked before the store opens, each batch indexed once the store took it. */
  async function importInto(dir: string, batches: ListingRecord[][]) {
    const indexing = await SnapshotWhileImporting.before(dir, 0);
    const store = new SqliteStore(dir);
    let inserted = 0;
    for (const b of batches) {
      inserted += store.upsertMany(b).inserted;
      indexing?.add(b);
    }
    store.close();
    return indexing ? await indexing.finish(inserted) : null;
  }

  it('leaves the index it built as the snapshot, which answers as an index built from the store', async () => {
    const dir = tempDir('import-snapshot');
    const listings = mixed(5_000, 11);
    expect(await importInto(dir, [listings.slice(0, 2_000), listings.slice(2_000)])).toEqual({ written: true, reason: '' });
    const read = await openEngine(dir);
    expect(read.indexSource).toBe('snapshot');
    const ids = listings.slice(0, 30).map((r) => r.id);
    const got = await answers(read, ids);
    await read.close();
    open.length = 0;
    fs.rmSync(path.join(dir, SNAPSHOT_FILE));
    const built = await openEngine(dir);
    expect(built.indexSource).toBe('store');
    expect(got).toEqual(await answers(built, ids));
  });

  it('writes none when an id comes twice or the store was not empty', async () => {
    const dir = tempDir('import-twice');
    const listings = mixed(1_000, 12);
    const twice = await importInto(dir, [listings, [{ ...listings[0]!, price: 1 }]]);
    expect(twice?.written).toBe(false);
    expect(fs.existsSync(path.join(dir, SNAPSHOT_FILE))).toBe(false);
    expect(await importInto(dir, [mixed(10, 13)])).toBeNull();
  });
});

describe.runIf(postgresBin())('the index snapshot of a node on PostgreSQL', () => {
  let pg: PostgresServer;
  let url = '';
  beforeAll(async () => {
    pg = await PostgresServer.start();
    url = await pg.createDatabase('index_snapshot');
  }, 60_000);
  afterAll(() => pg?.stop());

  it('is written by the node that built it from the record, read by its next start, and not by another record', async () => {
    const dir = tempDir('snapshot-pg');
    const start = async (dbUrl: string) => EmbeddedEngine.open({ dataDir: dir, store: new PostgresListingStore(await openDatabase({ url: dbUrl, poolMax: 2 })), pollIntervalMs: 60_000, snapshotMinListings: 0 });
    const first = await start(url);
    await first.upsertMany(mixed(2_000, 21));
    await first.close();
    fs.rmSync(path.join(dir, SNAPSHOT_FILE));
    const built = await start(url);
    expect(built.indexSource).toBe('store');
    const ids = mixed(2_000, 21).slice(0, 20).map((r) => r.id);
    const want = await answers(built, ids);
    await built.close();
    const read = await start(url);
    expect(read.indexSource).toBe('snapshot');
    expect(await answers(read, ids)).toEqual(want);
    await read.close();
    // Another database behind the same DATA_DIR: its own index, not the snapshot.
    const other = await start(await pg.createDatabase('index_snapshot_other'));
    expect(other.indexSource).toBe('store');
    expect(other.index.count).toBe(0);
    await other.close();
  }, 60_000);
});
