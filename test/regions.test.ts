import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countryListings, COUNTRY_CITIES } from '../bench/country';
import { decodeLat, decodeLon, encodeLat, encodeLon, mercatorX, mercatorY } from '../server/core/geotile';
import { levelForZoom } from '../server/core/levels';
import type { ListingRecord } from '../server/core/listing';
import { linkRegions, REGION_LINK, type DistrictPlace } from '../server/core/regions';
import { EmbeddedEngine } from '../server/engine/embedded/embedded-engine';
import type { Bbox, Filters } from '../server/engine/search-engine';
import { demoCity } from '../server/demo/demo-city';
import { tempDir } from './helpers/roost';

/** A point `km` east of (lat, lon). */
function east(lat: number, lon: number, km: number): [number, number] {
  return [lat, lon + km / (111.2 * Math.cos((lat * Math.PI) / 180))];
}

describe('linking districts into regions', () => {
  it('chains districts closer than the link and names a region by the words its districts share', () => {
    const at = (key: string, count: number, [lat, lon]: [number, number]): DistrictPlace => ({ key, count, lat, lon });
    // Link length on the ground at 40°: REGION_LINK of the Mercator world.
    const linkKm = REGION_LINK * 40_075 * Math.cos((40 * Math.PI) / 180);
    const regions = linkRegions([
      at('Springfield North', 10, [40, -90]),
      at('Springfield South', 30, east(40, -90, linkKm * 0.9)),
      // A chain: each within the link of the last, the ends twice as far apart.
      at('Springfield East', 5, east(40, -90, linkKm * 1.8)),
      at('Shelbyville', 50, east(40, -90, linkKm * 3)),
      at('Manhattan', 100, [40.78, -73.97]),
      at('Brooklyn', 200, [40.65, -73.95]),
    ]);
    expect(regions.get('Springfield North')).toEqual({ key: 'Springfield South', label: 'Springfield' });
    expect(regions.get('Springfield East')).toEqual({ key: 'Springfield South', label: 'Springfield' });
    expect(regions.get('Shelbyville')).toEqual({ key: 'Shelbyville', label: 'Shelbyville' });
    // No shared words: the largest district names it, with how many more it stands for.
    expect(regions.get('Manhattan')).toEqual({ key: 'Brooklyn', label: 'Brooklyn +1' });
    // Homes no area claims (district '') join the region they lie in without naming it.
    const withUnnamed = linkRegions([at('', 500, [40.7, -73.96]), at('Manhattan', 100, [40.78, -73.97]), at('Queens', 50, [40.72, -73.8])]);
    expect(withUnnamed.get('')).toEqual({ key: 'Manhattan', label: 'Manhattan +1' });
    expect(linkRegions([at('', 5, [10, 10])]).get('')).toEqual({ key: '', label: '' });
  });

  it('makes one region per city of the benchmark country, each named for its city', () => {
    const sums = new Map<string, { count: number; lat: number; lon: number }>();
    for (const r of countryListings(100_000)) {
      const t = sums.get(r.district) ?? { count: 0, lat: 0, lon: 0 };
      t.count++;
      t.lat += r.lat;
      t.lon += r.lon;
      sums.set(r.district, t);
    }
    const regions = linkRegions([...sums].map(([key, t]) => ({ key, count: t.count, lat: t.lat / t.count, lon: t.lon / t.count })));
    expect(new Set([...regions.values()].map((r) => r.label))).toEqual(new Set(COUNTRY_CITIES.map((c) => c.name)));
    for (const [district, r] of regions) expect(district.startsWith(`${r.label} `)).toBe(true);
  });
});

describe('the region level on the embedded engine', () => {
  let engine: EmbeddedEngine;
  const all: ListingRecord[] = [];

  beforeAll(async () => {
    engine = await EmbeddedEngine.open({ dataDir: tempDir('regions'), pollIntervalMs: 60_000 });
    all.push(...countryListings(40_000), ...demoCity(3_000, 5));
    await engine.upsertMany(all);
  });
  afterAll(() => engine.close());

  /** The oracle: districts' centroids from every listing, linked, then each matching listing counted in its region. */
  function expected(bbox: Bbox, f: Filters) {
    const districts = new Map<string, { count: number; lat: number; lon: number }>();
    for (const r of all) {
      const t = districts.get(r.district) ?? { count: 0, lat: 0, lon: 0 };
      t.count++;
      t.lat += encodeLat(r.lat);
      t.lon += encodeLon(r.lon);
      districts.set(r.district, t);
    }
    const regions = linkRegions([...districts].map(([key, t]) => ({ key, count: t.count, lat: decodeLat(t.lat / t.count), lon: decodeLon(t.lon / t.count) })));
    const out = new Map<string, { count: number; price: number }>();
    for (const r of all) {
      const la = encodeLat(r.lat);
      const lo = encodeLon(r.lon);
      if (la < encodeLat(bbox[1]) || la > encodeLat(bbox[3]) || lo < encodeLon(bbox[0]) || lo > encodeLon(bbox[2])) continue;
      if (f.priceMin !== undefined && r.price < f.priceMin) continue;
      if (f.priceMax !== undefined && r.price > f.priceMax) continue;
      if (f.types && !f.types.includes(r.type)) continue;
      if (f.bedsMin !== undefined && (r.bedrooms === null || r.bedrooms < f.bedsMin)) continue;
      const key = regions.get(r.district)!.key;
      const t = out.get(key) ?? { count: 0, price: 0 };
      t.count++;
      t.price += r.price;
      out.set(key, t);
    }
    return { regions, out };
  }

  it('counts every region exactly, whatever the view and filters, at zooms 0–8', async () => {
    const views: [Bbox, number][] = [
      [[-180, -85, 180, 85], 3],
      [[-125, 24, -66, 50], 4],
      [[-80, 38, -70, 43], 6],
      [[-74.3, 40.5, -73.7, 40.9], 8],
      [[-118.7, 33.7, -117.9, 34.3], 8],
    ];
    const filters: Filters[] = [{}, { priceMax: 2000 }, { types: ['private', 'shared'] }, { priceMin: 1500, types: ['entire'], bedsMin: 2 }];
    for (const [bbox, zoom] of views) {
      for (const f of filters) {
        const got = await engine.search({ bbox, zoom, filters: f });
        expect(got.level).toBe(levelForZoom(zoom));
        expect(got.level).toBe('region');
        const { out } = expected(bbox, f);
        expect(Object.fromEntries(got.buckets.map((b) => [b.key, b.count])), JSON.stringify({ bbox, f })).toEqual(Object.fromEntries([...out].map(([k, t]) => [k, t.count])));
        for (const b of got.buckets) expect(b.priceAvg).toBe(Math.round(out.get(b.key)!.price / b.count));
        expect(got.total).toBe([...out.values()].reduce((n, t) => n + t.count, 0));
      }
    }
  });

  it('names regions by their city; New York\'s demo boroughs join the country\'s New York', async () => {
    const got = await engine.search({ bbox: [-125, 24, -66, 50], zoom: 4, filters: {} });
    expect(got.buckets).toHaveLength(40);
    const { regions } = expected([-180, -85, 180, 85], {});
    const nyc = regions.get('Manhattan')!;
    expect(regions.get('New York Downtown')).toEqual(nyc);
    // Borough names share no first word with "New York …": the largest district names it.
    expect(nyc.label).toBe(`${nyc.key} +${[...regions.values()].filter((r) => r.key === nyc.key).length - 1}`);
    const labels = new Set(got.buckets.map((b) => b.label));
    for (const c of COUNTRY_CITIES) if (c.name !== 'New York') expect(labels.has(c.name)).toBe(true);
    expect(labels.has(nyc.label)).toBe(true);
  });

  it('leaves no two region bubbles of the country closer than the link at zoom 8', async () => {
    const got = await engine.search({ bbox: [-125, 24, -66, 50], zoom: 8, filters: {} });
    for (const a of got.buckets) {
      for (const b of got.buckets) {
        if (a === b) continue;
        const d = Math.hypot(mercatorX(a.lon) - mercatorX(b.lon), mercatorY(a.lat) - mercatorY(b.lat));
        expect(d * 256 * 2 ** 8).toBeGreaterThan(48);
      }
    }
  });
});
