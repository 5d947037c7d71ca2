/**
 * The contract for prices in two currencies and periods in one store: an Oslo of its own
 * (NOK a night, and a few EUR-a-month homes in one neighbourhood) beside the suite's New
 * York, added and removed here. Every level's buckets name the unit of their homes and
 * average only homes of it; a bucket of mixed units shows its largest unit and lists each;
 * the whole answer lists the view's units. Held to an oracle written here.
 */
import { expect } from 'vitest';
import { clusterPrecision, levelForZoom } from '../../server/core/levels';
import type { ListingRecord } from '../../server/core/listing';
import type { PricePer } from '../../server/core/money';
import { seededRandom } from '../../server/core/seeded-random';
import type { Bbox, Filters, SearchEngine, SearchResult } from '../../server/engine/search-engine';
import { inBbox, tileKey } from './nyc-oracle';

export const OSLO: Bbox = [10.6, 59.85, 10.9, 59.98];

interface Home {
  id: string;
  lat: number;
  lon: number;
  price: number;
  currency: string;
  pricePer: PricePer;
  type: 'entire' | 'private';
  neighbourhood: string;
}

/** 30 homes in Grünerløkka, all NOK a night; 20 NOK-a-night and 4 EUR-a-month homes in Frogner. */
export function osloHomes(): Home[] {
  const rand = seededRandom(47);
  const out: Home[] = [];
  const add = (n: number, neighbourhood: string, lat: number, lon: number, currency: string, pricePer: PricePer, low: number, high: number) => {
    for (let i = 0; i < n; i++) {
      out.push({
        id: `oslo-${String(out.length).padStart(3, '0')}`,
        lat: lat + rand() * 0.012,
        lon: lon + rand() * 0.025,
        price: low + Math.floor(rand() * (high - low)),
        currency,
        pricePer,
        type: rand() < 0.6 ? 'entire' : 'private',
        neighbourhood,
      });
    }
  };
  add(30, 'Grünerløkka', 59.918, 10.75, 'NOK', 'night', 700, 2600);
  add(20, 'Frogner', 59.912, 10.69, 'NOK', 'night', 900, 3200);
  add(4, 'Frogner', 59.912, 10.69, 'EUR', 'month', 1100, 2200);
  return out;
}

function recordOf(h: Home, at: number): ListingRecord {
  return { ...h, title: `Oslo ${h.id}`, district: 'Oslo', bedrooms: 1, listedAt: at, updatedAt: at };
}

interface UnitTotals {
  currency: string;
  pricePer: PricePer;
  count: number;
  sum: number;
}

/** The oracle's rule, written apart from the code: most homes first, ties by currency then period. */
function ordered(units: Map<string, UnitTotals>): UnitTotals[] {
  return [...units.values()].sort((a, b) => b.count - a.count || a.currency.localeCompare(b.currency) || a.pricePer.localeCompare(b.pricePer));
}

function addTo(units: Map<string, UnitTotals>, h: { currency: string; pricePer: PricePer; price: number }, count = 1, sum = h.price): void {
  const k = `${h.currency}|${h.pricePer}`;
  const u = units.get(k) ?? { currency: h.currency, pricePer: h.pricePer, count: 0, sum: 0 };
  u.count += count;
  u.sum += sum;
  units.set(k, u);
}

function passes(h: Home, f: Filters): boolean {
  return (f.priceMin === undefined || h.price >= f.priceMin) && (f.priceMax === undefined || h.price <= f.priceMax) && (!f.types || f.types.includes(h.type));
}

/** A view of Oslo alone, held to the oracle: every bucket's count, unit, average and units; the answer's units. */
function expectOsloView(got: SearchResult, zoom: number, filters: Filters, homes: Home[], what: string): void {
  const level = levelForZoom(zoom);
  const hits = homes.filter((h) => inBbox(h, OSLO) && passes(h, filters));
  expect(got.total, what).toBe(hits.length);
  const all = new Map<string, UnitTotals>();
  for (const h of hits) addTo(all, h);
  expect(got.units, what).toEqual(ordered(all).map(({ currency, pricePer, count }) => ({ currency, pricePer, count })));
  if (level === 'listing') {
    const byId = new Map(hits.map((h) => [h.id, h]));
    for (const l of got.listings) expect([l.currency, l.pricePer], what).toEqual([byId.get(l.id)!.currency, byId.get(l.id)!.pricePer]);
    return;
  }
  const key = (h: Home) =>
    level === 'cluster' ? tileKey(h.lat, h.lon, clusterPrecision(zoom)) : level === 'neighbourhood' ? `Oslo|${h.neighbourhood}` : 'Oslo';
  const groups = new Map<string, Map<string, UnitTotals>>();
  for (const h of hits) {
    const g = groups.get(key(h)) ?? new Map<string, UnitTotals>();
    addTo(g, h);
    groups.set(key(h), g);
  }
  expect(got.buckets.map((b) => b.key).sort(), what).toEqual([...groups.keys()].sort());
  for (const b of got.buckets) {
    const units = ordered(groups.get(b.key)!);
    const top = units[0]!;
    expect(b.count, `${what} ${b.key}`).toBe(units.reduce((n, u) => n + u.count, 0));
    expect([b.currency, b.pricePer], `${what} ${b.key}`).toEqual([top.currency, top.pricePer]);
    // The average of the bucket's homes of its unit only, never of every home in it.
    expect(Math.abs(b.priceAvg - top.sum / top.count), `${what} ${b.key}`).toBeLessThanOrEqual(0.5);
    if (units.length === 1) {
      expect(b.units, `${what} ${b.key}`).toBeUndefined();
      continue;
    }
    expect(b.units?.map((u) => [u.currency, u.pricePer, u.count]), `${what} ${b.key}`).toEqual(units.map((u) => [u.currency, u.pricePer, u.count]));
    b.units!.forEach((u, i) => expect(Math.abs(u.priceAvg - units[i]!.sum / units[i]!.count), `${what} ${b.key}`).toBeLessThanOrEqual(0.5));
  }
}

export async function checkCurrencies(engine: SearchEngine): Promise<void> {
  const homes = osloHomes();
  const at = Date.parse('2026-06-01T00:00:00Z');
  await engine.upsertMany(homes.map((h, i) => recordOf(h, at + i * 1000)));
  await engine.refresh();
  try {
    // A neighbourhood of NOK homes only says NOK a night, and averages those homes alone.
    const nok = homes.filter((h) => h.neighbourhood === 'Grünerløkka');
    const areas = await engine.search({ bbox: OSLO, zoom: 13, filters: {} });
    const grunerlokka = areas.buckets.find((b) => b.key === 'Oslo|Grünerløkka')!;
    expect(grunerlokka).toMatchObject({ count: 30, currency: 'NOK', pricePer: 'night' });
    expect(grunerlokka.units).toBeUndefined();
    expect(Math.abs(grunerlokka.priceAvg - nok.reduce((s, h) => s + h.price, 0) / nok.length)).toBeLessThanOrEqual(0.5);
    // Frogner holds both: NOK (20 homes) named, EUR listed beside it, neither blended in.
    const frogner = areas.buckets.find((b) => b.key === 'Oslo|Frogner')!;
    expect(frogner).toMatchObject({ count: 24, currency: 'NOK', pricePer: 'night' });
    expect(frogner.units?.map((u) => `${u.currency}/${u.pricePer} ×${u.count}`)).toEqual(['NOK/night ×20', 'EUR/month ×4']);

    const views: [number, Filters][] = [
      [11, {}],
      [11, { priceMax: 2000 }],
      [12, {}],
      [12, { priceMin: 1000, types: ['entire'] }],
      [13, {}],
      [13, { types: ['private'] }],
      [14, {}],
      [15, {}],
      [15, { priceMax: 1500 }],
      [17, {}],
    ];
    for (const [zoom, filters] of views) {
      const what = `Oslo at zoom ${zoom} ${JSON.stringify(filters)}`;
      expectOsloView(await engine.search({ bbox: OSLO, zoom, filters }), zoom, filters, homes, what);
    }

    // The world at region zoom: New York's region is in its own unit, Oslo's region names NOK.
    const world = await engine.search({ bbox: [-180, -85, 180, 85], zoom: 4, filters: {} });
    const oslo = world.buckets.find((b) => b.key === 'Oslo')!;
    expect(oslo).toMatchObject({ count: homes.length, currency: 'NOK', pricePer: 'night' });
    expect(oslo.units?.map((u) => u.currency)).toEqual(['NOK', 'EUR']);
    for (const b of world.buckets.filter((x) => x.key !== 'Oslo')) expect(b.currency, b.key).toBe('USD');
    expect(world.units.map((u) => u.currency)).toEqual(['USD', 'NOK', 'EUR']);
    expect(world.units.slice(1).map((u) => u.count)).toEqual([50, 4]);
    expect(world.units.reduce((n, u) => n + u.count, 0)).toBe(world.total);
  } finally {
    expect(await engine.removeMany(homes.map((h) => h.id))).toBe(homes.length);
    await engine.refresh();
  }
  const after = await engine.search({ bbox: [-180, -85, 180, 85], zoom: 4, filters: {} });
  expect(after.units.map((u) => u.currency)).toEqual(['USD']);
}
