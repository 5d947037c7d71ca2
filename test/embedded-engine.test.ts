import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLat, encodeLat, encodeLon, geotileKey, mercatorY, snapBbox, tileLat, tileOf } from '../server/core/geotile';
import { clusterPrecision, levelForZoom } from '../server/core/levels';
import { LISTING_TYPES, type ListingRecord } from '../server/core/listing';
import { demoCity } from '../server/demo/demo-city';
import { EmbeddedEngine } from '../server/engine/embedded/embedded-engine';
import type { Bbox, Filters } from '../server/engine/search-engine';
import { tempDir } from './helpers/roost';
import type { RegionMap } from '../server/core/regions';
import { seededRandom as rng } from '../server/core/seeded-random';

/** The oracle: a plain loop over every listing, written from the contract, not the index. */
function inBbox(r: ListingRecord, [w, s, e, n]: Bbox): boolean {
  const la = encodeLat(r.lat);
  const lo = encodeLon(r.lon);
  const latOk = la >= encodeLat(s) && la <= encodeLat(n);
  const lonOk = w <= e ? lo >= encodeLon(w) && lo <= encodeLon(e) : lo >= encodeLon(w) || lo <= encodeLon(e);
  return latOk && lonOk;
}

function matches(r: ListingRecord, f: Filters): boolean {
  if (f.priceMin !== undefined && r.price < f.priceMin) return false;
  if (f.priceMax !== undefined && r.price > f.priceMax) return false;
  if (f.types && !f.types.includes(r.type)) return false;
  if (f.bedsMin !== undefined && (r.bedrooms === null || r.bedrooms < f.bedsMin)) return false;
  return true;
}

function expected(all: Map<string, ListingRecord>, bbox: Bbox, zoom: number, f: Filters, regions: RegionMap) {
  const hits = [...all.values()].filter((r) => inBbox(r, bbox) && matches(r, f));
  const level = levelForZoom(zoom);
  const groups = new Map<string, { count: number; price: number }>();
  for (const r of hits) {
    const key =
      level === 'region'
        ? (regions.get(r.district)?.key ?? r.district)
        : level === 'district'
        ? r.district
        : level === 'neighbourhood'
          ? `${r.district}|${r.neighbourhood}`
          : geotileKey(r.lat, r.lon, clusterPrecision(zoom));
    const g = groups.get(key) ?? { count: 0, price: 0 };
    g.count++;
    g.price += r.price;
    groups.set(key, g);
  }
  return { level, hits, groups };
}

function randomRecord(rand: () => number, id: string, t: number): ListingRecord {
  // Mostly New York, some anywhere on Earth (poles and the antimeridian included).
  const world = rand() < 0.1;
  return {
    id,
    title: `listing ${id}`,
    lat: world ? rand() * 180 - 90 : 40.5 + rand() * 0.4,
    lon: world ? rand() * 360 - 180 : -74.25 + rand() * 0.5,
    price: Math.floor(rand() * 8000),
    type: LISTING_TYPES[Math.floor(rand() * 3)]!,
    district: ['Manhattan', 'Brooklyn', 'Queens', ''][Math.floor(rand() * 4)]!,
    neighbourhood: ['Chelsea', 'Harlem', 'Astoria', ''][Math.floor(rand() * 4)]!,
    bedrooms: rand() < 0.2 ? null : Math.floor(rand() * 5),
    listedAt: t,
    updatedAt: t,
  };
}

function randomQuery(rand: () => number): { bbox: Bbox; zoom: number; filters: Filters } {
  const zoom = Math.floor(rand() * 19);
  let bbox: Bbox;
  if (rand() < 0.1) {
    bbox = [170 - rand() * 20, -60, -170 + rand() * 20, 80]; // across the antimeridian
  } else {
    const span = 0.6 / 2 ** Math.max(0, zoom - 10) + rand() * 0.02;
    const w = -74.3 + rand() * 0.5;
    const s = 40.45 + rand() * 0.4;
    bbox = [w, s, Math.min(180, w + span), Math.min(90, s + span * 0.75)];
    // The map snaps views to tile edges: exercise boxes whose edges are exactly on cells.
    if (rand() < 0.4) bbox = snapBbox(bbox, Math.min(17, Math.max(1, zoom + Math.floor(rand() * 5) - 2)));
  }
  const filters: Filters = {};
  if (rand() < 0.4) filters.priceMin = Math.floor(rand() * 3000);
  if (rand() < 0.4) filters.priceMax = 2000 + Math.floor(rand() * 6000);
  if (rand() < 0.3) filters.types = LISTING_TYPES.filter(() => rand() < 0.6);
  if (rand() < 0.3) filters.bedsMin = Math.floor(rand() * 4);
  return { bbox, zoom, filters };
}

describe('embedded engine against a brute-force oracle', () => {
  let engine: EmbeddedEngine;
  const truth = new Map<string, ListingRecord>();
  const rand = rng(7);

  beforeAll(async () => {
    engine = await EmbeddedEngine.open({ dataDir: tempDir('oracle'), pollIntervalMs: 10_000 });
    const seed = [...demoCity(8_000, 99)];
    for (let i = 0; i < 2_000; i++) seed.push(randomRecord(rand, `r${i}`, 1_700_000_000_000 + i));
    await engine.upsertMany(seed);
    for (const r of seed) truth.set(r.id, r);
    engine.index.rebuild();
  });
  afterAll(() => engine.close());

  async function check(rounds: number) {
    for (let i = 0; i < rounds; i++) {
      const q = randomQuery(rand);
      const got = await engine.search(q);
      const want = expected(truth, q.bbox, q.zoom, q.filters, engine.regionMap());
      expect(got.level).toBe(want.level);
      expect(got.total, JSON.stringify(q)).toBe(want.hits.length);
      if (got.level === 'listing') {
        if (want.hits.length <= 500) expect(new Set(got.listings.map((l) => l.id))).toEqual(new Set(want.hits.map((r) => r.id)));
        else expect(got.listings).toHaveLength(500);
        continue;
      }
      const gotGroups = Object.fromEntries(got.buckets.map((b) => [b.key, b.count]));
      const wantGroups = Object.fromEntries([...want.groups].map(([k, g]) => [k, g.count]));
      expect(gotGroups, JSON.stringify(q)).toEqual(wantGroups);
      for (const b of got.buckets) expect(b.priceAvg).toBe(Math.round(want.groups.get(b.key)!.price / b.count));
    }
  }

  it('answers random views, levels and filters exactly', async () => {
    await check(300);
  });

  it('stays exact after updates, moves and removals, before and after a re-sort', async () => {
    const ids = [...truth.keys()];
    const changed: ListingRecord[] = [];
    for (let i = 0; i < 1_500; i++) {
      const id = ids[Math.floor(rand() * ids.length)]!;
      const moved = { ...randomRecord(rand, id, truth.get(id)!.listedAt) };
      changed.push(moved);
    }
    await engine.upsertMany(changed);
    for (const r of changed) truth.set(r.id, { ...r, listedAt: truth.get(r.id)!.listedAt });
    for (let i = 0; i < 300; i++) {
      const id = ids[Math.floor(rand() * ids.length)]!;
      engine.index.remove(id);
      truth.delete(id);
    }
    expect(engine.index.count).toBe(truth.size);
    await check(200); // base rows dead, changes in the unsorted tail
    engine.index.rebuild();
    await check(200);
  });

  it('pages the list by cursor without gaps or repeats, in order', async () => {
    const bbox: Bbox = [-74.1, 40.6, -73.85, 40.85];
    const filters: Filters = { priceMax: 5000 };
    const want = [...truth.values()].filter((r) => inBbox(r, bbox) && matches(r, filters));
    for (const sort of ['price', 'newest'] as const) {
      const seen: string[] = [];
      let after;
      for (;;) {
        const page = await engine.list({ bbox, filters, sort, limit: 97, ...(after ? { after } : {}) });
        expect(page.total).toBe(want.length);
        seen.push(...page.listings.map((l) => l.id));
        if (!page.nextCursor) break;
        after = page.nextCursor;
      }
      const order = [...want].sort((a, b) =>
        sort === 'price' ? a.price - b.price || (a.id < b.id ? -1 : 1) : b.listedAt - a.listedAt || (a.id < b.id ? -1 : 1),
      );
      expect(seen).toEqual(order.map((r) => r.id));
    }
  });
});

describe('a listing one quantum outside a snapped edge', () => {
  it('is counted in its own cluster bucket, not dropped off the tile grid', async () => {
    // A view whose south edge is a hair above a tile edge. Edges are inclusive on
    // quantized coordinates, so a listing whose latitude quantizes to the edge's quantum —
    // just below the tile edge, in the tile underneath — is in the view.
    const precision = clusterPrecision(14);
    const [w, , e, n] = snapBbox([-73.99, 40.72, -73.97, 40.73], precision);
    const edge = tileLat(tileOf(mercatorY(40.72), precision) + 1, precision);
    let south = edge + 1e-9;
    while (decodeLat(encodeLat(south)) >= edge) south += 1e-9;
    const bbox: [number, number, number, number] = [w, south, e, n];
    const lat = decodeLat(encodeLat(south));
    // The view's south edge lies in one tile row, the listing in the row below it.
    expect(tileOf(mercatorY(lat), precision)).toBe(tileOf(mercatorY(south), precision) + 1);
    const lon = (bbox[0] + bbox[2]) / 2;
    const engine = await EmbeddedEngine.open({ dataDir: tempDir('edge'), pollIntervalMs: 10_000 });
    try {
      const t = 1_700_000_000_000;
      const base = { title: 't', price: 1000, type: 'entire' as const, district: 'Manhattan', neighbourhood: 'X', bedrooms: 1, listedAt: t, updatedAt: t };
      await engine.upsertMany([
        { ...base, id: 'edge', lat, lon },
        { ...base, id: 'inside', lat: (bbox[1] + bbox[3]) / 2, lon },
      ]);
      for (const filters of [{}, { priceMax: 5000 }]) {
        const got = await engine.search({ bbox, zoom: 14, filters });
        expect(got.total).toBe(2);
        expect(Object.fromEntries(got.buckets.map((b) => [b.key, b.count]))).toMatchObject({ [geotileKey(lat, lon, precision)]: 1 });
      }
    } finally {
      await engine.close();
    }
  });
});
