/**
 * The search-engine contract, written once and run on every engine (the embedded engine
 * always, OpenSearch on a real node, Elasticsearch when ELASTICSEARCH_URL is set): the
 * same cases on the real New York data. Each leg is held to the CSV oracle; a leg that is
 * not the embedded engine is also held to the embedded engine's answers exactly — equal
 * totals, bucket keys and counts, centroids within 1e-6°, averages within 0.5.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapBbox } from '../../server/core/geotile';
import { clusterPrecision, levelForZoom } from '../../server/core/levels';
import { LISTING_TYPES, type ListingRecord } from '../../server/core/listing';
import type { Bbox, Filters, ListSort, Ring, SearchDefinition, SearchEngine, SearchQuery, SearchResult } from '../../server/engine/search-engine';
import { BoundaryIndex } from '../../server/import/boundaries';
import { importFile } from '../../server/import/importer';
import { NYC_CSV } from '../helpers/roost';
import { expectedBuckets, inBbox, inRing, LISTING_2595, matches, neighbourhoodRings, nycRegions, ROWS, select, type Row } from './nyc-oracle';
import { seededRandom as rng } from '../../server/core/seeded-random';
import { checkExtraFilters } from './extra-filters';
import { checkCurrencies } from './currencies';

export interface EngineLeg {
  name: string;
  /** An engine over an empty store. */
  open(): Promise<SearchEngine>;
  /** Held exactly to this one's answers (the embedded engine), when given. */
  reference?: () => SearchEngine;
}

const CITY: Bbox = [-74.3, 40.49, -73.68, 40.93];
const MANHATTAN_SOUTH: Bbox = [-74.02, 40.7, -73.96, 40.76];
const WILLIAMSBURG: Bbox = [-73.97, 40.7, -73.94, 40.72];
const EAST_VILLAGE_BLOCK: Bbox = [-73.99, 40.724, -73.982, 40.729];

/** The fixed views: every level, filters of each kind, snapped and unsnapped boxes. */
export const FIXED_VIEWS: [string, SearchQuery][] = [
  ['boroughs, city-wide', { bbox: CITY, zoom: 10, filters: {} }],
  ['boroughs, entire homes up to $200', { bbox: CITY, zoom: 11, filters: { types: ['entire'], priceMax: 200 } }],
  ['boroughs, rooms from $80', { bbox: [-74.05, 40.6, -73.85, 40.8], zoom: 9, filters: { priceMin: 80, types: ['private', 'shared'] } }],
  ['boroughs, bedsMin excludes unknown bedrooms', { bbox: CITY, zoom: 10, filters: { bedsMin: 0 } }],
  ['neighbourhoods, bathsMin excludes unknown bathrooms', { bbox: CITY, zoom: 12, filters: { bathsMin: 0, priceMax: 200 } }],
  ['clusters, guestsMin excludes unknown guests', { bbox: WILLIAMSBURG, zoom: 14, filters: { guestsMin: 1 } }],
  ['regions, amenities exclude listings without amenities', { bbox: CITY, zoom: 8, filters: { amenities: ['wifi'] } }],
  ['neighbourhoods, lower Manhattan', { bbox: MANHATTAN_SOUTH, zoom: 12, filters: {} }],
  ['neighbourhoods, $100–$300', { bbox: [-74.0, 40.65, -73.9, 40.75], zoom: 13, filters: { priceMin: 100, priceMax: 300 } }],
  ['clusters, Williamsburg', { bbox: WILLIAMSBURG, zoom: 14, filters: {} }],
  ['clusters, Williamsburg private rooms', { bbox: WILLIAMSBURG, zoom: 15, filters: { types: ['private'] } }],
  ['clusters, snapped to cells', { bbox: snapBbox(MANHATTAN_SOUTH, clusterPrecision(14)), zoom: 14, filters: { priceMax: 400 } }],
  ['street level, every listing (≤ 500)', { bbox: EAST_VILLAGE_BLOCK, zoom: 17, filters: { priceMax: 150 } }],
  ['street level, capped at 500', { bbox: MANHATTAN_SOUTH, zoom: 16, filters: {} }],
  ['nothing there', { bbox: [10, 10, 11, 11], zoom: 12, filters: {} }],
  ['boroughs, keyword "park"', { bbox: CITY, zoom: 10, filters: { q: 'park' } }],
  ['neighbourhoods, keywords "cozy room" under $120', { bbox: CITY, zoom: 12, filters: { q: 'Cozy ROOM', priceMax: 120 } }],
  ['clusters, keyword "loft"', { bbox: WILLIAMSBURG, zoom: 14, filters: { q: 'loft' } }],
  ['street level, keywords "east village"', { bbox: MANHATTAN_SOUTH, zoom: 17, filters: { q: 'east village' } }],
  ['boroughs, a keyword no title has', { bbox: CITY, zoom: 11, filters: { q: 'zzyzxquux' } }],
  ['regions, the city at zoom 8', { bbox: CITY, zoom: 8, filters: {} }],
  ['regions, the world at zoom 3, rooms up to $100', { bbox: [-180, -85, 180, 85], zoom: 3, filters: { types: ['private', 'shared'], priceMax: 100 } }],
];

export function randomViews(n: number, seed: number): SearchQuery[] {
  const rand = rng(seed);
  const out: SearchQuery[] = [];
  for (let i = 0; i < n; i++) {
    const zoom = 9 + Math.floor(rand() * 10);
    const span = 0.5 / 2 ** Math.max(0, zoom - 10);
    const w = -74.25 + rand() * 0.5;
    const s = 40.5 + rand() * 0.4;
    let bbox: Bbox = [w, s, w + span, s + span * 0.75];
    if (rand() < 0.5) bbox = snapBbox(bbox, levelForZoom(zoom) === 'cluster' ? clusterPrecision(zoom) : 17);
    const filters: Filters = {};
    if (rand() < 0.4) filters.priceMin = Math.floor(rand() * 200);
    if (rand() < 0.4) filters.priceMax = 100 + Math.floor(rand() * 400);
    if (rand() < 0.3) {
      const types = LISTING_TYPES.filter(() => rand() < 0.6);
      if (types.length > 0) filters.types = types;
    }
    out.push({ bbox, zoom, filters });
  }
  return out;
}

/** What the oracle says a view's answer is. */
function expectOracle(q: SearchQuery, got: SearchResult): void {
  const hits = select(q.bbox, q.filters);
  expect(got.level).toBe(levelForZoom(q.zoom));
  expect(got.total).toBe(hits.length);
  expect(got.units).toEqual(got.total === 0 ? [] : [{ currency: 'USD', pricePer: 'night', count: got.level === 'listing' ? got.listings.length : got.total }]);
  if (got.level === 'listing') {
    const ids = new Set(hits.map((r) => r.id));
    if (hits.length <= 500) expect(got.listings.map((l) => l.id).sort()).toEqual([...ids].sort());
    else expect(got.listings).toHaveLength(500);
    expect(got.listings.every((l) => ids.has(l.id))).toBe(true);
    return;
  }
  const want = expectedBuckets(q.bbox, q.zoom, q.filters);
  expect(Object.fromEntries(got.buckets.map((b) => [b.key, b.count]))).toEqual(Object.fromEntries([...want].map(([k, g]) => [k, g.count])));
  for (const b of got.buckets) {
    const g = want.get(b.key)!;
    expect(Math.abs(b.lat - g.lat)).toBeLessThan(1e-6);
    expect(Math.abs(b.lon - g.lon)).toBeLessThan(1e-6);
    expect(Math.abs(b.priceAvg - g.price)).toBeLessThanOrEqual(0.5);
    // New York's homes are all dollars a night (Inside Airbnb's prices): one unit, named.
    expect([b.currency, b.pricePer, b.units]).toEqual(['USD', 'night', undefined]);
    if (got.level === 'region') expect(b.label).toBe(nycRegions().get(b.key)!.label);
    else if (got.level !== 'cluster') expect(b.label).toBe(b.key.split('|').at(-1));
  }
}

/** Two engines' answers to one view: equal totals, keys and counts; centroids and averages close. */
export function expectSameAnswer(got: SearchResult, ref: SearchResult, what: string): void {
  expect(got.level, what).toBe(ref.level);
  expect(got.total, what).toBe(ref.total);
  if (got.level === 'listing') {
    // The newest first, the id breaking ties: both engines pick the same 500.
    expect(got.listings.map((l) => l.id), what).toEqual(ref.listings.map((l) => l.id));
    // Every field but the times, which record when each store was filled.
    const untimed = (ls: SearchResult['listings']) => ls.map(({ listedAt: _l, updatedAt: _u, ...rest }) => rest);
    expect(untimed(got.listings), what).toEqual(untimed(ref.listings));
    return;
  }
  expect(got.buckets.map((b) => [b.key, b.count, b.label, b.currency, b.pricePer, b.units?.map((u) => [u.currency, u.pricePer, u.count])]), what).toEqual(
    ref.buckets.map((b) => [b.key, b.count, b.label, b.currency, b.pricePer, b.units?.map((u) => [u.currency, u.pricePer, u.count])]),
  );
  expect(got.units, what).toEqual(ref.units);
  got.buckets.forEach((b, i) => {
    const r = ref.buckets[i]!;
    expect(Math.abs(b.lat - r.lat), what).toBeLessThan(1e-6);
    expect(Math.abs(b.lon - r.lon), what).toBeLessThan(1e-6);
    expect(Math.abs(b.priceAvg - r.priceAvg), what).toBeLessThanOrEqual(0.5);
  });
}

function listOrder(rows: Row[], sort: ListSort, listedAt: Map<string, number>): string[] {
  return [...rows]
    .sort((a, b) =>
      sort === 'price'
        ? a.price - b.price || (a.id < b.id ? -1 : 1)
        : listedAt.get(b.id)! - listedAt.get(a.id)! || (a.id < b.id ? -1 : 1),
    )
    .map((r) => r.id);
}

/** Saved searches over the city: neighbourhood outlines and boxes, with and without filters. */
function savedSearches(): SearchDefinition[] {
  const rings = neighbourhoodRings().filter((_, i) => i % 9 === 0);
  const out: SearchDefinition[] = rings.map((r, i) => ({
    id: `poly-${String(i).padStart(3, '0')}`,
    area: { polygon: r.ring },
    filters: i % 3 === 0 ? { priceMax: 150 } : i % 3 === 1 ? { types: ['private'] } : {},
  }));
  const rand = rng(11);
  for (let i = 0; i < 40; i++) {
    const w = -74.1 + rand() * 0.3;
    const s = 40.6 + rand() * 0.2;
    out.push({
      id: `box-${String(i).padStart(3, '0')}`,
      area: { bbox: [w, s, w + 0.02 + rand() * 0.05, s + 0.02 + rand() * 0.04] },
      filters: i % 2 === 0 ? { priceMin: 50, priceMax: 200 } : {},
    });
  }
  return out;
}

function oracleMatches(search: SearchDefinition, r: Row): boolean {
  if (!matches(r, search.filters)) return false;
  return 'bbox' in search.area ? inBbox(r, search.area.bbox) : inRing(r, search.area.polygon);
}

function recordOfRow(r: Row, listedAt: number): ListingRecord {
  return { ...r, title: `row ${r.id}`, bedrooms: null, listedAt, updatedAt: listedAt };
}

export function engineContract(leg: EngineLeg): void {
  describe(`engine contract: ${leg.name}`, () => {
    let engine: SearchEngine;
    const listedAt = new Map<string, number>();

    beforeAll(async () => {
      engine = await leg.open();
      const result = await importFile(NYC_CSV, { format: 'airbnb', sink: engine, batchSize: 10_000 });
      expect(result).toMatchObject({ imported: ROWS.length, updated: 0, skipped: 0 });
      await engine.refresh();
      // Import stamps every row with one time; the list's "newest" order then falls to ids.
      for (const r of ROWS) listedAt.set(r.id, Date.parse((await engine.get(r.id))?.listedAt ?? '0'));
    }, 600_000);
    afterAll(async () => engine?.close());

    it('holds every imported listing', async () => {
      expect(await engine.count()).toBe(ROWS.length);
      expect(await engine.get('2595')).toMatchObject(LISTING_2595);
      expect(await engine.get('no-such-listing')).toBeNull();
    });

    it.each(FIXED_VIEWS)('%s: the oracle%s', async (name, q) => {
      const got = await engine.search(q);
      expectOracle(q, got);
      if (leg.reference) expectSameAnswer(got, await leg.reference().search(q), name);
    });

    it('200 random views, every level, answer as the oracle (and the reference) do', async () => {
      for (const q of randomViews(200, 5)) {
        const got = await engine.search(q);
        expectOracle(q, got);
        if (leg.reference) expectSameAnswer(got, await leg.reference().search(q), JSON.stringify(q));
      }
    });

    it.each(['price', 'newest'] as const)('the list pages by cursor through exactly the matches, sorted by %s', async (sort) => {
      const bbox = WILLIAMSBURG;
      const filters: Filters = { priceMin: 60, priceMax: 250 };
      const want = listOrder(select(bbox, filters), sort, listedAt);
      expect(want.length).toBeGreaterThan(300);
      const seen: string[] = [];
      let after;
      for (let page = 0; page < 100; page++) {
        const p = await engine.list({ bbox, filters, sort, limit: 50, ...(after ? { after } : {}) });
        expect(p.total).toBe(want.length);
        seen.push(...p.listings.map((l) => l.id));
        if (!p.nextCursor) break;
        after = p.nextCursor;
      }
      expect(seen).toEqual(want);
    });

    it('a drawn area narrows every level and the list, as the oracle says', async () => {
      const rings = neighbourhoodRings().filter((r) => /^(Williamsburg|Harlem|Astoria|Chelsea)#0$/.test(r.name));
      expect(rings.length).toBe(4);
      for (const { name, ring } of rings) {
        for (const zoom of [11, 13, 15, 17]) {
          for (const filters of [{}, { priceMax: 150 }] as Filters[]) {
            const q = { bbox: CITY, zoom, filters, polygon: ring };
            const got = await engine.search(q);
            const hits = ROWS.filter((r) => inBbox(r, CITY) && inRing(r, ring) && matches(r, filters));
            expect(got.total, `${name} z${zoom}`).toBe(hits.length);
            expect(hits.length).toBeGreaterThan(0);
            if (got.level !== 'listing') expect(got.buckets.reduce((n, b) => n + b.count, 0)).toBe(hits.length);
            if (leg.reference) expectSameAnswer(got, await leg.reference().search(q), `${name} z${zoom}`);
          }
        }
        const page = await engine.list({ bbox: CITY, filters: {}, polygon: ring, sort: 'price', limit: 100 });
        const want = ROWS.filter((r) => inRing(r, ring));
        expect(page.total).toBe(want.length);
        expect(page.listings.every((l) => inRing(l, ring))).toBe(true);
      }
    });

    it('percolates listings, before and after a change, against saved boxes and drawn areas', async () => {
      const searches = savedSearches();
      for (const s of searches) await engine.putSearch(s);
      const sample = ROWS.filter((_, i) => i % 97 === 0);
      const states = sample.map((r) => recordOfRow(r, 1));
      const got = await engine.percolate(states);
      let matched = 0;
      sample.forEach((r, i) => {
        const want = searches.filter((s) => oracleMatches(s, r)).map((s) => s.id).sort();
        expect(got[i], r.id).toEqual(want);
        matched += want.length;
      });
      expect(matched).toBeGreaterThan(50);
      if (leg.reference) {
        const ref = leg.reference();
        for (const s of searches) await ref.putSearch(s);
        expect(got).toEqual(await ref.percolate(states));
        for (const s of searches) await ref.removeSearch(s.id);
      }
      // A removed search no longer matches.
      const first = searches.find((s) => got.some((ids) => ids.includes(s.id)))!;
      await engine.removeSearch(first.id);
      const again = await engine.percolate(states);
      expect(again.flat()).not.toContain(first.id);
      for (const s of searches) await engine.removeSearch(s.id);
      expect((await engine.percolate(states)).flat()).toEqual([]);
    });

    it('writes: new, changed and removed listings show in search; an update keeps listedAt', async () => {
      const bbox: Bbox = [-73.9601, 40.7101, -73.9599, 40.7103];
      const at = Date.UTC(2026, 0, 1);
      const base: ListingRecord = {
        id: 'contract-w1', title: 'Contract test', lat: 40.7102, lon: -73.96, price: 1000, type: 'entire',
        district: 'Brooklyn', neighbourhood: 'Williamsburg', bedrooms: 2, listedAt: at, updatedAt: at,
      };
      const before = (await engine.search({ bbox, zoom: 17, filters: {} })).total;
      expect(await engine.upsertMany([base])).toEqual({ inserted: 1, updated: 0 });
      await engine.refresh();
      expect((await engine.search({ bbox, zoom: 17, filters: { bedsMin: 2 } })).total).toBe(1);
      expect(await engine.get('contract-w1')).toMatchObject({ price: 1000, bedrooms: 2, listedAt: new Date(at).toISOString() });
      expect(await engine.upsertMany([{ ...base, price: 900, listedAt: at + 5, updatedAt: at + 5 }])).toEqual({ inserted: 0, updated: 1 });
      await engine.refresh();
      const changed = await engine.get('contract-w1');
      expect(changed).toMatchObject({ price: 900, listedAt: new Date(at).toISOString() });
      expect(Date.parse(changed!.updatedAt)).toBeGreaterThan(at);
      expect((await engine.search({ bbox, zoom: 17, filters: { priceMax: 950 } })).listings.map((l) => l.id)).toContain('contract-w1');
      expect(await engine.removeMany(['contract-w1', 'never-there'])).toBe(1);
      await engine.refresh();
      expect(await engine.get('contract-w1')).toBeNull();
      expect((await engine.search({ bbox, zoom: 17, filters: {} })).total).toBe(before);
    });

    it('an API write is told as committed before it is announced, then found by search', async () => {
      const heard: string[] = [];
      engine.onCommit((e) => heard.push(`commit ${e.listingId} ${e.op}`));
      engine.onChange((e) => {
        if (e.listingId === 'contract-w2') heard.push(`change ${e.listingId} ${e.op}`);
      });
      const at = Date.UTC(2026, 0, 2);
      const record: ListingRecord = {
        id: 'contract-w2', title: 'Order test', lat: 40.7202, lon: -73.95, price: 1500, type: 'private',
        district: 'Brooklyn', neighbourhood: 'Williamsburg', bedrooms: 1, listedAt: at, updatedAt: at,
      };
      const put = await engine.write({ op: 'put', record });
      expect(put.event).toMatchObject({ listingId: 'contract-w2', op: 'upsert', before: null });
      // Visible within a second (CONTRACT.md): a shared index refreshes each second.
      await expect
        .poll(async () => (await engine.search({ bbox: [-73.9501, 40.7201, -73.9499, 40.7203], zoom: 17, filters: {} })).listings.map((l) => l.id), { timeout: 1_000, interval: 50 })
        .toEqual(['contract-w2']);
      await engine.write({ op: 'remove', id: 'contract-w2' });
      // The next tests compare with the oracle: the removal visible now, not within the second.
      await engine.refresh();
      expect(heard).toEqual(['commit contract-w2 upsert', 'change contract-w2 upsert', 'commit contract-w2 remove', 'change contract-w2 remove']);
    });

    it('keywords narrow a drawn area and the list, as the oracle says', async () => {
      const ring = neighbourhoodRings().find((n) => n.name === 'Williamsburg#0')!.ring;
      const filters: Filters = { q: 'loft' };
      const want = select(CITY, filters).filter((r) => inRing(r, ring));
      expect(want.length).toBeGreaterThan(3);
      for (const zoom of [10, 12, 14, 17]) {
        expect((await engine.search({ bbox: CITY, zoom, filters, polygon: ring })).total).toBe(want.length);
      }
      const seen: string[] = [];
      let after;
      for (let n = 0; n < 20; n++) {
        const page = await engine.list({ bbox: CITY, filters, polygon: ring, sort: 'price', limit: 100, ...(after ? { after } : {}) });
        expect(page.total).toBe(want.length);
        seen.push(...page.listings.map((l) => l.id));
        if (!page.nextCursor) break;
        after = page.nextCursor;
      }
      expect(seen.sort()).toEqual(want.map((r) => r.id).sort());
    });

    it('counts the homes of a view per price band, whatever its price filter, as the oracle says', async () => {
      const ring = neighbourhoodRings().find((n) => n.name === 'Harlem#0')!.ring;
      const edges = [20, 50, 100, 150, 250, 500];
      const band = (price: number) => edges.findLastIndex((e) => price >= e);
      const cases: { filters: Filters; polygon?: Ring }[] = [
        { filters: {} },
        { filters: { types: ['private'], priceMin: 100, priceMax: 120 } },
        { filters: { q: 'loft' }, polygon: ring },
      ];
      for (const { filters, polygon } of cases) {
        const want = edges.map(() => 0);
        const { priceMin: _min, priceMax: _max, ...rest } = filters;
        for (const r of select(CITY, rest)) if ((!polygon || inRing(r, polygon)) && band(r.price) >= 0) want[band(r.price)]!++;
        expect(want.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        expect(await engine.priceHistogram({ bbox: CITY, filters, edges, ...(polygon ? { polygon } : {}) })).toEqual(want);
      }
    });

    it('keeps currency, period, description, photos, bathrooms, guests and amenities; finds Chinese words in title and description', async () => {
      const at = Date.UTC(2026, 1, 1);
      const record: ListingRecord = {
        id: 'contract-zh1', title: '静安寺旁的两房公寓', lat: 40.7302, lon: -73.99, price: 9800, currency: 'CNY', pricePer: 'month',
        type: 'entire', district: 'Manhattan', neighbourhood: 'East Village', bedrooms: 2, bathrooms: 1.5, guests: 4, amenities: ['Wifi', '暖气'],
        description: 'Bright flat 近地铁, quiet street', photos: ['https://example.com/a.jpg'], listedAt: at, updatedAt: at,
      };
      // 安静 is "quiet": the characters of 静安 in the other order.
      const quiet: ListingRecord = { ...record, id: 'contract-zh2', title: '三林美房安静的两居室', lat: 40.7303, description: undefined, amenities: undefined };
      await engine.write({ op: 'put', record });
      await engine.write({ op: 'put', record: quiet });
      await engine.refresh();
      expect(await engine.get('contract-zh1')).toMatchObject({
        currency: 'CNY', pricePer: 'month', description: 'Bright flat 近地铁, quiet street', photos: ['https://example.com/a.jpg'],
        bathrooms: 1.5, guests: 4, amenities: ['Wifi', '暖气'],
      });
      const ids = async (q: string, zoom = 17) =>
        (await engine.search({ bbox: [-74.0, 40.72, -73.98, 40.74], zoom, filters: { q } })).listings.map((l) => l.id).filter((id) => id.startsWith('contract-zh')).sort();
      // A run's characters must stand together and in order.
      expect(await ids('静安')).toEqual(['contract-zh1']);
      expect(await ids('安静')).toEqual(['contract-zh2']);
      expect(await ids('静安寺')).toEqual(['contract-zh1']);
      expect(await ids('寺旁')).toEqual(['contract-zh1']);
      expect(await ids('安寺静')).toEqual([]);
      // One character alone, or characters apart, are found anywhere.
      expect(await ids('安')).toEqual(['contract-zh1', 'contract-zh2']);
      expect(await ids('静 安')).toEqual(['contract-zh1', 'contract-zh2']);
      expect(await ids('公寓 地铁')).toEqual(['contract-zh1']);
      expect(await ids('近地铁')).toEqual(['contract-zh1']);
      expect(await ids('QUIET bright')).toEqual(['contract-zh1']);
      expect(await ids('静安 museum')).toEqual([]);
      const area = await engine.search({ bbox: [-74.0, 40.72, -73.98, 40.74], zoom: 12, filters: { q: '地铁' } });
      expect(area.total).toBe(1);
      await engine.write({ op: 'patch', id: 'contract-zh1', patch: { description: '' } });
      await engine.refresh();
      expect(await ids('地铁')).toEqual([]);
      expect(await engine.get('contract-zh1')).not.toHaveProperty('description');
      await engine.write({ op: 'remove', id: 'contract-zh1' });
      await engine.write({ op: 'remove', id: 'contract-zh2' });
      await engine.refresh();
      expect(await ids('安')).toEqual([]);
    });

    it('bathrooms, guests and amenities filter every level, the list and saved searches; the list sorts by price both ways and by price cut', async () => {
      await checkExtraFilters(engine, leg.reference ? leg.reference() : null);
    }, 120_000);

    it('prices in two currencies and periods: each bucket names its unit and averages its homes of it only', async () => {
      await checkCurrencies(engine);
    }, 120_000);

    it('keeps boundaries for the map', async () => {
      const text = JSON.stringify({ type: 'FeatureCollection', features: [] });
      await engine.setBoundaries(text);
      expect(await engine.boundaries()).toBe(text);
      expect(BoundaryIndex.parse((await engine.boundaries())!).size).toBe(0);
    });
  });
}
