import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterParams } from '../server/core/filter-params';
import type { Bbox, Filters } from '../server/engine/search-engine';
import { groupBy, LISTING_2595, RECORDS as raw, ROWS as rows, select, tileKey, type Row } from './engine-contract/nyc-oracle';
import { getJson, NYC_BOUNDARIES, NYC_CSV, runImport, startApi, tempDir } from './helpers/roost';

function query(bbox: Bbox, zoom: number, f: Filters): string {
  const q = new URLSearchParams({ bbox: bbox.join(','), zoom: String(zoom) });
  for (const [k, v] of filterParams(f)) q.set(k, v);
  return q.toString();
}

const CITY: Bbox = [-74.3, 40.49, -73.68, 40.93];
const MANHATTAN_SOUTH: Bbox = [-74.02, 40.7, -73.96, 40.76];
const WILLIAMSBURG: Bbox = [-73.97, 40.7, -73.94, 40.72];
const EAST_VILLAGE_BLOCK: Bbox = [-73.99, 40.724, -73.982, 40.729];

describe('search over the real New York listings', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  let dataDir: string;
  let importOut: string;

  beforeAll(async () => {
    dataDir = tempDir('nyc');
    const result = await runImport(dataDir, [NYC_CSV, '--boundaries', NYC_BOUNDARIES]);
    expect(result.code).toBe(0);
    importOut = result.stdout;
    api = await startApi(dataDir);
  });
  afterAll(async () => api?.close());

  it('imports every row', () => {
    expect(importOut.trim().split('\n').at(-1)).toBe(`imported ${rows.length}, updated 0, skipped 0`);
  });

  const areaCases: [string, Bbox, number, Filters, (r: Row) => string][] = [
    ['boroughs, city-wide, unfiltered', CITY, 10, {}, (r) => r.district],
    ['boroughs, entire homes up to $200', CITY, 11, { types: ['entire'], priceMax: 200 }, (r) => r.district],
    ['boroughs, rooms from $80', [-74.05, 40.6, -73.85, 40.8], 9, { priceMin: 80, types: ['private', 'shared'] }, (r) => r.district],
    ['neighbourhoods, lower Manhattan', MANHATTAN_SOUTH, 12, {}, (r) => `${r.district}|${r.neighbourhood}`],
    ['neighbourhoods, $100–$300', [-74.0, 40.65, -73.9, 40.75], 13, { priceMin: 100, priceMax: 300 }, (r) => `${r.district}|${r.neighbourhood}`],
    ['clusters, Williamsburg', WILLIAMSBURG, 14, {}, (r) => tileKey(r.lat, r.lon, 16)],
    ['clusters, Williamsburg private rooms', WILLIAMSBURG, 15, { types: ['private'] }, (r) => tileKey(r.lat, r.lon, 17)],
  ];

  it.each(areaCases)('%s: buckets, counts, centroids and averages', async (_name, bbox, zoom, filters, key) => {
    const { status, body } = await getJson(`${api.url}/api/search?${query(bbox, zoom, filters)}`);
    expect(status).toBe(200);
    const want = groupBy(select(bbox, filters), key);
    expect(body.total).toBe([...want.values()].reduce((n, g) => n + g.count, 0));
    expect(body.total).toBeGreaterThan(0);
    expect(Object.fromEntries(body.buckets.map((b: any) => [b.key, b.count]))).toEqual(
      Object.fromEntries([...want].map(([k, g]) => [k, g.count])),
    );
    for (const b of body.buckets) {
      const g = want.get(b.key)!;
      expect(Math.abs(b.lat - g.lat / g.count)).toBeLessThan(1e-6);
      expect(Math.abs(b.lon - g.lon / g.count)).toBeLessThan(1e-6);
      expect(Math.abs(b.priceAvg - g.price / g.count)).toBeLessThanOrEqual(0.5);
      if (zoom <= 13) expect(b.label).toBe(b.key.split('|').at(-1));
    }
  });

  it('street level returns every matching listing when there are at most 500', async () => {
    const filters: Filters = { priceMax: 150 };
    const { body } = await getJson(`${api.url}/api/search?${query(EAST_VILLAGE_BLOCK, 17, filters)}`);
    const want = select(EAST_VILLAGE_BLOCK, filters);
    expect(want.length).toBeGreaterThan(20);
    expect(want.length).toBeLessThanOrEqual(500);
    expect(body.level).toBe('listing');
    expect(body.total).toBe(want.length);
    expect(body.listings.map((l: any) => l.id).sort()).toEqual(want.map((r) => r.id).sort());
  });

  it('street level caps at 500 listings while the total counts them all', async () => {
    const { body } = await getJson(`${api.url}/api/search?${query(MANHATTAN_SOUTH, 16, {})}`);
    const want = select(MANHATTAN_SOUTH, {});
    expect(want.length).toBeGreaterThan(500);
    expect(body.total).toBe(want.length);
    expect(body.listings).toHaveLength(500);
    const ids = new Set(want.map((r) => r.id));
    expect(body.listings.every((l: any) => ids.has(l.id))).toBe(true);
  });

  it('a bedrooms filter excludes listings whose bedrooms are unknown', async () => {
    const { body } = await getJson(`${api.url}/api/search?${query(CITY, 10, { bedsMin: 1 })}`);
    expect(body.total).toBe(0);
    expect(body.buckets).toEqual([]);
  });

  it('the list pages by cursor through exactly the matching listings, cheapest first', async () => {
    const filters = 'priceMin=60&priceMax=120&type=private';
    const want = select(WILLIAMSBURG, { priceMin: 60, priceMax: 120, types: ['private'] }).sort(
      (a, b) => a.price - b.price || (a.id < b.id ? -1 : 1),
    );
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 100; page++) {
      const { status, body } = await getJson(
        `${api.url}/api/listings?bbox=${WILLIAMSBURG.join(',')}&sort=price&limit=50&${filters}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(status).toBe(200);
      expect(body.total).toBe(want.length);
      seen.push(...body.listings.map((l: any) => l.id));
      if (!body.nextCursor) break;
      cursor = body.nextCursor;
    }
    expect(seen).toEqual(want.map((r) => r.id));
  });

  it('serves one listing by id as the contract shapes it, and 404 for an unknown one', async () => {
    const { status, body } = await getJson(`${api.url}/api/listings/2595`);
    expect(status).toBe(200);
    expect(body).toMatchObject(LISTING_2595);
    expect(body).not.toHaveProperty('bedrooms');
    expect(new Date(body.listedAt).toISOString()).toBe(body.listedAt);
    const missing = await getJson(`${api.url}/api/listings/no-such-listing`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('serves the imported boundaries for the map outlines', async () => {
    const res = await fetch(`${api.url}/api/boundaries`);
    expect(res.status).toBe(200);
    const geo = (await res.json()) as { features: unknown[] };
    expect(geo.features).toHaveLength(233);
  });
});

describe('--boundaries fills in missing areas by point in polygon', () => {
  it('places listings without district or neighbourhood where the polygons say', async () => {
    const dataDir = tempDir('pip');
    // Every tenth row loses its areas; the boundaries must put them back.
    const blanked = raw.map((r, i) => (i % 10 === 0 ? { ...r, neighbourhood_group: '', neighbourhood: '' } : r));
    const header = Object.keys(raw[0]!);
    const esc = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
    const file = path.join(dataDir, 'blanked.csv');
    fs.writeFileSync(file, [header.join(','), ...blanked.map((r) => header.map((h) => esc(r[h] ?? '')).join(','))].join('\n'));
    const result = await runImport(dataDir, [file, '--boundaries', NYC_BOUNDARIES]);
    expect(result.code).toBe(0);
    const api = await startApi(dataDir);
    try {
      let same = 0;
      let checked = 0;
      for (let i = 0; i < rows.length; i += 10) {
        const { body } = await getJson(`${api.url}/api/listings/${rows[i]!.id}`);
        checked++;
        if (body.district === rows[i]!.district && body.neighbourhood === rows[i]!.neighbourhood) same++;
      }
      // Inside Airbnb derived its areas from these polygons; a handful of points sit on shores.
      expect(same / checked).toBeGreaterThan(0.99);
    } finally {
      await api.close();
    }
  });
});
