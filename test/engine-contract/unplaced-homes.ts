/**
 * The contract for homes no area claims (a city imported with neither area fields nor a
 * boundaries file): at the region, district and neighbourhood levels they are answered as
 * the cluster level's cells (core/levels cellBucketKey), beside the areas that are named,
 * so the counts still add up to the total. A Bergen of its own beside the suite's New
 * York, added and removed here, held to an oracle written here.
 */
import { expect } from 'vitest';
import { cellBucketKey, clusterPrecision, isCellKey, levelForZoom } from '../../server/core/levels';
import type { ListingRecord } from '../../server/core/listing';
import { seededRandom } from '../../server/core/seeded-random';
import type { Bbox, Filters, SearchEngine, SearchQuery, SearchResult } from '../../server/engine/search-engine';
import { inBbox, tileKey } from './nyc-oracle';

const BERGEN: Bbox = [5.2, 60.33, 5.45, 60.45];

/** 150 homes with no area at all, 30 in a named neighbourhood, 20 in the district alone. */
function bergenHomes(): ListingRecord[] {
  const rand = seededRandom(61);
  const at = Date.parse('2026-07-01T00:00:00Z');
  const out: ListingRecord[] = [];
  const add = (n: number, district: string, neighbourhood: string, lat: number, lon: number) => {
    for (let i = 0; i < n; i++) {
      const id = `bergen-${String(out.length).padStart(3, '0')}`;
      out.push({
        id,
        title: `Bergen ${id}`,
        lat: lat + (rand() - 0.5) * 0.05,
        lon: lon + (rand() - 0.5) * 0.12,
        price: 600 + Math.floor(rand() * 2400),
        currency: 'NOK',
        pricePer: 'night',
        type: rand() < 0.6 ? 'entire' : 'private',
        district,
        neighbourhood,
        bedrooms: 1,
        listedAt: at + out.length * 1000,
        updatedAt: at + out.length * 1000,
      });
    }
  };
  add(150, '', '', 60.39, 5.33);
  add(30, 'Bergenhus', 'Nordnes', 60.397, 5.315);
  add(20, 'Bergenhus', '', 60.392, 5.33);
  return out;
}

function passes(h: ListingRecord, f: Filters): boolean {
  return (f.priceMin === undefined || h.price >= f.priceMin) && (f.priceMax === undefined || h.price <= f.priceMax) && (!f.types || f.types.includes(h.type));
}

/** The oracle's key of a home at a zoom: its area's, else its cell's (the cluster level's tile, keyed apart). */
function keyOf(h: ListingRecord, zoom: number): string {
  const level = levelForZoom(zoom);
  const cell = () => {
    const [p, x, y] = tileKey(h.lat, h.lon, clusterPrecision(zoom)).split('/').map(Number);
    return cellBucketKey(p!, x!, y!);
  };
  if (level === 'region' || level === 'district') return h.district === '' ? cell() : h.district;
  return h.neighbourhood === '' ? cell() : `${h.district}|${h.neighbourhood}`;
}

function expectBergenView(got: SearchResult, q: SearchQuery, homes: ListingRecord[], what: string): void {
  const hits = homes.filter((h) => inBbox(h, q.bbox) && passes(h, q.filters));
  expect(got.level, what).toBe(levelForZoom(q.zoom));
  expect(got.total, what).toBe(hits.length);
  expect(got.buckets.reduce((n, b) => n + b.count, 0), what).toBe(got.total);
  const groups = new Map<string, ListingRecord[]>();
  for (const h of hits) groups.set(keyOf(h, q.zoom), [...(groups.get(keyOf(h, q.zoom)) ?? []), h]);
  expect(Object.fromEntries(got.buckets.map((b) => [b.key, b.count])), what).toEqual(Object.fromEntries([...groups].map(([k, hs]) => [k, hs.length])));
  for (const b of got.buckets) {
    const hs = groups.get(b.key)!;
    const mean = (f: (h: ListingRecord) => number) => hs.reduce((s, h) => s + f(h), 0) / hs.length;
    expect(Math.abs(b.lat - mean((h) => h.lat)), `${what} ${b.key}`).toBeLessThan(1e-6);
    expect(Math.abs(b.lon - mean((h) => h.lon)), `${what} ${b.key}`).toBeLessThan(1e-6);
    expect(Math.abs(b.priceAvg - mean((h) => h.price)), `${what} ${b.key}`).toBeLessThanOrEqual(0.5);
    expect([b.currency, b.pricePer], `${what} ${b.key}`).toEqual(['NOK', 'night']);
    // A cell has no name; an area keeps its own.
    expect(b.label, `${what} ${b.key}`).toBe(isCellKey(b.key) ? '' : b.key.split('|').at(-1));
  }
}

export async function checkUnplacedHomes(engine: SearchEngine, reference: SearchEngine | null, same: (got: SearchResult, ref: SearchResult, what: string) => void): Promise<void> {
  const homes = bergenHomes();
  await engine.upsertMany(homes);
  await engine.refresh();
  if (reference) {
    await reference.upsertMany(homes);
    await reference.refresh();
  }
  try {
    const views: SearchQuery[] = [];
    for (const zoom of [5, 8, 9, 10, 11, 12, 13]) {
      for (const filters of [{}, { priceMax: 1800 }, { types: ['private'] }] as Filters[]) views.push({ bbox: BERGEN, zoom, filters });
    }
    views.push({ bbox: BERGEN, zoom: 12, filters: { q: 'bergen' } });
    views.push({ bbox: BERGEN, zoom: 10, filters: {}, polygon: [[5.25, 60.36], [5.4, 60.36], [5.4, 60.42], [5.25, 60.42], [5.25, 60.36]] });
    for (const q of views) {
      const what = `Bergen at zoom ${q.zoom} ${JSON.stringify(q.filters)}${q.polygon ? ' in a drawn area' : ''}`;
      const got = await engine.search(q);
      if (!q.polygon) expectBergenView(got, q, homes, what);
      else expect(got.buckets.reduce((n, b) => n + b.count, 0), what).toBe(got.total);
      if (reference) same(got, await reference.search(q), what);
    }
    // The world, as the page asks for whole areas: New York's areas and Bergen's cells together.
    for (const zoom of [4, 8, 10, 12]) {
      const q: SearchQuery = { bbox: [-180, -85, 180, 85], zoom, filters: {} };
      const got = await engine.search(q);
      const what = `the world at zoom ${zoom}`;
      expect(got.buckets.reduce((n, b) => n + b.count, 0), what).toBe(got.total);
      const cells = got.buckets.filter((b) => isCellKey(b.key));
      expect(cells.reduce((n, b) => n + b.count, 0), what).toBe(homes.filter((h) => (levelForZoom(zoom) === 'neighbourhood' ? h.neighbourhood : h.district) === '').length);
      expect(got.buckets.filter((b) => !isCellKey(b.key)).every((b) => b.label !== ''), what).toBe(true);
      if (reference) same(got, await reference.search(q), what);
    }
  } finally {
    expect(await engine.removeMany(homes.map((h) => h.id))).toBe(homes.length);
    await engine.refresh();
    if (reference) {
      await reference.removeMany(homes.map((h) => h.id));
      await reference.refresh();
    }
  }
}
