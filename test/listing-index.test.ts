/**
 * ListingIndex against brute force over the records it was given: the keyword path
 * (`rowsWithWords` and `scanRowSet`, both ways of ordering rows) and the view scan, with every filter. The
 * oracle tests plain degrees; rows within a micro-degree of an edge are left out of the
 * comparison, since the index is exact on quantized values the oracle does not compute.
 */
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { describe, expect, it } from 'vitest';
import { demoCity } from '../server/demo/demo-city';
import type { ListingRecord } from '../server/core/listing';
import type { Bbox, Filters, Ring } from '../server/engine/search-engine';
import { ListingIndex } from '../server/engine/embedded/listing-index';
import { AreaSink, RowCollector } from '../server/engine/embedded/sinks';

const RECORDS: ListingRecord[] = [...demoCity(20_000, 7)];
const EDGE = 1e-6;

function nearEdge(r: ListingRecord, [w, s, e, n]: Bbox): boolean {
  return [r.lat - s, n - r.lat].some((d) => Math.abs(d) < EDGE) || [r.lon - w, e - r.lon].some((d) => Math.abs(d) < EDGE);
}

function passes(r: ListingRecord, [w, s, e, n]: Bbox, f: Filters, word?: string): boolean {
  const inside = r.lat >= s && r.lat <= n && r.lon >= w && r.lon <= e;
  const text = `${r.title} ${r.description ?? ''}`.toLowerCase().split(/[^a-z0-9]+/);
  return (
    inside &&
    (f.priceMin === undefined || r.price >= f.priceMin) &&
    (f.priceMax === undefined || r.price <= f.priceMax) &&
    (f.types === undefined || f.types.includes(r.type)) &&
    (f.bedsMin === undefined || (r.bedrooms !== undefined && r.bedrooms !== null && r.bedrooms >= f.bedsMin)) &&
    (word === undefined || text.includes(word))
  );
}

function ids(index: ListingIndex, rows: number[]): string[] {
  return rows.map((r) => index.idAt(r)).sort();
}

const CITY: Bbox = [-74.3, 40.45, -73.65, 40.95];
const BOXES: Bbox[] = [CITY, [-74.0, 40.7, -73.93, 40.76], [-73.99, 40.6, -73.8, 40.68]];
const FILTERS: Filters[] = [{}, { priceMin: 2000, priceMax: 3500 }, { types: ['private', 'shared'] }, { bedsMin: 2 }, { types: ['entire'], priceMax: 4000, bedsMin: 1 }];

describe('ListingIndex', () => {
  const index = new ListingIndex();
  index.load(RECORDS);
  // A few changes and removals after the load, so appended rows and dead rows are in play.
  for (const r of RECORDS.slice(0, 300)) index.upsert({ ...r, price: r.price + 7 });
  for (const r of RECORDS.slice(300, 500)) index.remove(r.id);
  const current = [...RECORDS.slice(0, 300).map((r) => ({ ...r, price: r.price + 7 })), ...RECORDS.slice(500)];

  it('scans a view with each filter as a brute force does', () => {
    for (const bbox of BOXES) {
      for (const f of FILTERS) {
        const sink = new RowCollector();
        index.scan(bbox, f, sink, false);
        const got = new Set(ids(index, sink.rows));
        const want = new Set(current.filter((r) => passes(r, bbox, f)));
        expect(want.size).toBeGreaterThan(0);
        expect(current.filter((r) => !nearEdge(r, bbox) && got.has(r.id) !== want.has(r)).map((r) => r.id)).toEqual([]);
      }
    }
  });

  it('keyword slots, common words (rows marked in one pass) and rare ones (sorted), give the brute force rows', () => {
    const common = index.text.match(['sunny']);
    const rare = index.text.match(['loft', 'sunny']);
    // The two ways of ordering rows split at 1/32 of the rows: one word above it, one below.
    expect(common.length * 32).toBeGreaterThan(RECORDS.length);
    expect(rare.length * 32).toBeLessThan(RECORDS.length);
    for (const [, words] of [
      [common, ['sunny']],
      [rare, ['loft', 'sunny']],
    ] as const) {
      for (const bbox of BOXES) {
        for (const f of FILTERS) {
          const sink = new RowCollector();
          index.scanRowSet(index.rowsWithWords(words), bbox, f, sink);
          // Ascending and without repeats: the sinks may rely on storage order.
          expect(sink.rows).toEqual([...new Set(sink.rows)].sort((a, b) => a - b));
          const got = new Set(ids(index, sink.rows));
          const wrong = current.filter((r) => !nearEdge(r, bbox) && got.has(r.id) !== words.every((w) => passes(r, bbox, f, w)));
          expect(wrong.map((r) => r.id)).toEqual([]);
        }
      }
    }
  });
});

/** A star with `points` tips around a centre: concave, so cells inside, outside and across it all occur. */
function star(lon: number, lat: number, radius: number, points: number): Ring {
  const ring: Ring = [];
  for (let k = 0; k < points * 2; k++) {
    const r = k % 2 === 0 ? radius : radius * 0.45;
    const a = (k * Math.PI) / points;
    ring.push([lon + r * Math.cos(a) * 1.3, lat + r * Math.sin(a)]);
  }
  ring.push(ring[0]!);
  return ring;
}

function inRing(r: ListingRecord, ring: Ring): boolean {
  return booleanPointInPolygon([r.lon, r.lat], { type: 'Polygon', coordinates: [ring] });
}

/** Within a micro-degree of an edge of the ring: left out, as rows at a box's edge are. */
function nearRing(r: ListingRecord, ring: Ring): boolean {
  return [-EDGE, EDGE].some((d) => inRing({ ...r, lat: r.lat + d }, ring) !== inRing(r, ring) || inRing({ ...r, lon: r.lon + d }, ring) !== inRing(r, ring));
}

describe('ListingIndex with a drawn area', () => {
  const index = new ListingIndex();
  index.load(RECORDS);
  const rings = [star(-73.95, 40.72, 0.06, 5), star(-73.9, 40.65, 0.12, 7), star(-74.0, 40.75, 0.01, 3)];

  it('rows inside the ring, whole cells taken where they lie inside, as a brute force says', () => {
    for (const ring of rings) {
      for (const f of FILTERS) {
        const sink = new RowCollector();
        index.scan(CITY, f, sink, false, ring);
        const got = new Set(ids(index, sink.rows));
        const wrong = RECORDS.filter((r) => got.has(r.id) !== (passes(r, CITY, f) && inRing(r, ring)) && !nearEdge(r, CITY) && !nearRing(r, ring));
        expect(wrong.map((r) => r.id)).toEqual([]);
        expect(got.size).toBeGreaterThan(0);
      }
    }
  });

  it('district totals from cells inside the ring equal the count row by row', () => {
    for (const ring of rings) {
      for (const f of [{}, { priceMax: 3000 }] as Filters[]) {
        const byCells = new AreaSink(index, 'districts');
        index.scan(CITY, f, byCells, true, ring);
        const byRows = new RowCollector();
        index.scan(CITY, f, byRows, false, ring);
        const total = byCells.buckets().reduce((n, b) => n + b.count, 0);
        expect(total).toBe(byRows.rows.length);
      }
    }
  });
});

describe('ListingIndex keyword sets across writes', () => {
  it('keeps a word set through writes: new homes with the word join it, changed and removed ones leave it', () => {
    const index = new ListingIndex();
    const truth = new Map(RECORDS.slice(0, 5_000).map((r) => [r.id, r]));
    for (const r of truth.values()) index.upsert(r, false);
    index.rebuild();
    const search = (word: string) => {
      const sink = new RowCollector();
      index.scanRowSet(index.rowsWithWords([word]), CITY, { priceMax: 4000 }, sink);
      return ids(index, sink.rows);
    };
    const want = (word: string) => [...truth.values()].filter((r) => !nearEdge(r, CITY) && passes(r, CITY, { priceMax: 4000 }, word)).map((r) => r.id).sort();
    const sure = (got: string[]) => got.filter((id) => !nearEdge(truth.get(id)!, CITY));
    expect(sure(search('sunny'))).toEqual(want('sunny'));
    const before = index.rowsWithWords(['sunny']);
    const t = RECORDS[0]!.listedAt;
    const sunnyOnes = [...truth.values()].filter((r) => r.title.startsWith('Sunny')).slice(0, 40);
    for (let i = 0; i < 300; i++) {
      const base = RECORDS[5_000 + i]!;
      // New homes, half of them sunny; old sunny homes renamed; some removed.
      const fresh = { ...base, id: `new-${i}`, title: i % 2 ? `Sunny loft ${i}` : `Dark loft ${i}`, listedAt: t, updatedAt: t };
      index.upsert(fresh, false);
      truth.set(fresh.id, fresh);
    }
    for (const r of sunnyOnes.slice(0, 20)) {
      const renamed = { ...r, title: 'Shady room' };
      index.upsert(renamed, false);
      truth.set(r.id, renamed);
    }
    for (const r of sunnyOnes.slice(20)) {
      index.remove(r.id);
      truth.delete(r.id);
    }
    // The set was kept (not gathered again) and still answers exactly.
    expect(index.rowsWithWords(['sunny']).subarray(0, before.length)).toEqual(before);
    expect(sure(search('sunny'))).toEqual(want('sunny'));
    expect(sure(search('loft'))).toEqual(want('loft'));
    index.rebuild();
    expect(sure(search('sunny'))).toEqual(want('sunny'));
  });
});

describe('ListingIndex word runs (area views with a keyword)', () => {
  it('add up to what reading the word\'s rows one by one gives, before and after writes', () => {
    const index = new ListingIndex(100);
    index.load(RECORDS);
    const sums = (sink: AreaSink) => sink.buckets().map((b) => [b.key, b.count, b.lat, b.lon, b.priceAvg]);
    const compare = () => {
      for (const words of [['sunny'], ['loft'], ['quiet', 'room']]) {
        for (const bbox of [...BOXES, [-180, -85, 180, 85] as Bbox]) {
          for (const f of FILTERS) {
            for (const kind of ['districts', 'neighbourhoods'] as const) {
              const byRuns = new AreaSink(index, kind);
              index.scanWords(words, bbox, f, byRuns);
              const byRows = new AreaSink(index, kind);
              // The same rows without runs: a copy of the set, so the index cannot know it.
              index.scanRowSet(index.rowsWithWords(words).slice(), bbox, f, byRows);
              expect(sums(byRuns), `${words} ${bbox} ${JSON.stringify(f)}`).toEqual(sums(byRows));
            }
          }
        }
      }
    };
    compare();
    // Writes: dead rows make their cells read rows; new rows land in the tail.
    const t = RECORDS[0]!.listedAt;
    for (let i = 0; i < 400; i++) {
      const r = RECORDS[(i * 37) % RECORDS.length]!;
      index.upsert({ ...r, price: r.price + 100, title: i % 2 ? `Sunny loft ${i}` : r.title, listedAt: t, updatedAt: t }, false);
    }
    for (let i = 0; i < 100; i++) index.remove(RECORDS[(i * 53 + 1) % RECORDS.length]!.id);
    compare();
  });
});
