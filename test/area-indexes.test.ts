/**
 * WatchIndex (live viewports) and SearchAreaIndex (saved-search areas), both over one
 * R-tree wrapper, against brute force over every watch or search in plain degrees: who
 * hears of each change and which searches each listing matches, across the antimeridian
 * too. Points within a micro-degree of an edge are left out of the comparison: the
 * indexes decide those on quantized coordinates, which the brute force does not compute.
 */
import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../server/changes/change-event';
import type { ListingRecord, ListingType } from '../server/core/listing';
import { seededRandom } from '../server/core/seeded-random';
import { SearchAreaIndex } from '../server/engine/embedded/search-area-index';
import { SearchAreaGrid } from '../server/engine/embedded/search-area-grid';
import type { Bbox, Filters, Ring } from '../server/engine/search-engine';
import { WatchIndex } from '../server/realtime/watch-index';

const EDGE = 1e-6;
const TYPES: ListingType[] = ['entire', 'private', 'shared'];
const random = seededRandom(1818);
const between = (a: number, b: number) => a + random() * (b - a);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

/** Places listings and areas crowd: a city and both sides of the antimeridian. */
function somewhere(): [lon: number, lat: number] {
  return random() < 0.5 ? [between(-74.3, -73.6), between(40.5, 40.95)] : [between(175, 180) * (random() < 0.5 ? 1 : -1), between(-20, -10)];
}

function randomBbox(): Bbox {
  const [lon, lat] = somewhere();
  const w = lon - between(0, 3);
  const e = lon + between(0, 3);
  const s = lat - between(0, 0.3);
  const n = lat + between(0, 0.3);
  // Past ±180 the box wraps: its west edge then lies east of its east edge.
  const wrap = (x: number) => (x < -180 ? x + 360 : x > 180 ? x - 360 : x);
  return [wrap(w), s, wrap(e), n];
}

function randomFilters(): Filters {
  const f: Filters = {};
  if (random() < 0.3) f.priceMin = Math.round(between(500, 3000));
  if (random() < 0.3) f.priceMax = Math.round(between(2000, 6000));
  if (random() < 0.3) f.types = TYPES.filter(() => random() < 0.6);
  if (random() < 0.3) f.bedsMin = Math.floor(between(0, 4));
  return f;
}

function randomListing(id: string): ListingRecord {
  const [lon, lat] = somewhere();
  return {
    id,
    title: 'Home',
    lat,
    lon,
    price: Math.round(between(300, 7000)),
    currency: 'USD',
    pricePer: 'month',
    type: pick(TYPES),
    district: 'D',
    neighbourhood: 'N',
    bedrooms: random() < 0.2 ? null : Math.floor(between(0, 5)),
    listedAt: 0,
    updatedAt: 0,
  };
}

function passes(r: ListingRecord, f: Filters): boolean {
  if (f.priceMin !== undefined && !(r.price >= f.priceMin)) return false;
  if (f.priceMax !== undefined && !(r.price <= f.priceMax)) return false;
  if (f.types !== undefined && f.types.indexOf(r.type) < 0) return false;
  if (f.bedsMin !== undefined && (r.bedrooms === null || r.bedrooms < f.bedsMin)) return false;
  return true;
}

function inBox(r: ListingRecord, [w, s, e, n]: Bbox): boolean {
  const lonIn = w <= e ? r.lon >= w && r.lon <= e : r.lon >= w || r.lon <= e;
  return r.lat >= s && r.lat <= n && lonIn;
}

function nearEdge(r: ListingRecord, [w, s, e, n]: Bbox): boolean {
  return [r.lat - s, r.lat - n, r.lon - w, r.lon - e].some((d) => Math.abs(d) < EDGE);
}

/** Even-odd ray casting over the ring's edges. */
function inRing(r: ListingRecord, ring: Ring): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > r.lat !== yj > r.lat && r.lon < ((xj - xi) * (r.lat - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

describe('WatchIndex', () => {
  it('tells each watcher of exactly the changes its view and filters see', () => {
    const index = new WatchIndex<number>();
    const watches = new Map<number, { bbox: Bbox; filters: Filters }>();
    for (let conn = 0; conn < 400; conn++) {
      const w = { bbox: randomBbox(), filters: randomFilters() };
      watches.set(conn, w);
      index.set(conn, w.bbox, w.filters);
    }
    // A watcher that moves replaces its watch; one that leaves hears nothing more.
    for (let conn = 0; conn < 50; conn++) {
      const w = { bbox: randomBbox(), filters: randomFilters() };
      watches.set(conn, w);
      index.set(conn, w.bbox, w.filters);
    }
    for (let conn = 50; conn < 80; conn++) {
      watches.delete(conn);
      index.remove(conn);
    }
    expect(index.size).toBe(watches.size);

    let heard = 0;
    for (let i = 0; i < 2_000; i++) {
      const before = random() < 0.7 ? randomListing(`l${i}`) : null;
      const after = before === null || random() < 0.8 ? { ...randomListing(`l${i}`), ...(before && random() < 0.5 ? { lat: before.lat, lon: before.lon } : {}) } : null;
      const e: ChangeEvent = { seq: i + 1, listingId: `l${i}`, op: after ? 'upsert' : 'remove', before, after, at: 0 };
      const got = new Map(index.deliveries(e).map((d) => [d.conn, d.op]));
      const wrong: string[] = [];
      for (const [conn, w] of watches) {
        if ((before && nearEdge(before, w.bbox)) || (after && nearEdge(after, w.bbox))) continue;
        const sees = (r: ListingRecord | null) => r !== null && inBox(r, w.bbox) && passes(r, w.filters);
        const want = sees(after) ? 'upsert' : sees(before) ? 'remove' : undefined;
        if (got.get(conn) !== want) wrong.push(`watch ${conn}: ${got.get(conn)} instead of ${want}`);
        if (want) heard++;
      }
      for (const conn of got.keys()) if (!watches.has(conn)) wrong.push(`watch ${conn} left but heard`);
      expect(wrong, `change ${i}`).toEqual([]);
    }
    expect(heard).toBeGreaterThan(500);
  });
});

/** A search around a few streets (one grid cell or four) rather than a region. */
function smallBbox(): Bbox {
  const [lon, lat] = somewhere();
  const w = Math.max(-180, lon - between(0, 0.05));
  const s = lat - between(0, 0.03);
  return [w, s, Math.min(180, lon + between(0, 0.05)), lat + between(0, 0.03)];
}

describe.each([
  ['SearchAreaIndex (R-tree)', () => new SearchAreaIndex()],
  ['SearchAreaGrid (typed arrays)', () => new SearchAreaGrid()],
])('%s', (_name, make) => {
  it('matches each listing to exactly the searches whose area and filters hold it', () => {
    const index = make();
    const searches = new Map<string, { bbox: Bbox; ring: Ring | null; filters: Filters }>();
    for (let i = 0; i < 600; i++) {
      const id = `s${i}`;
      const bbox = i % 2 === 0 ? randomBbox() : smallBbox();
      const filters = randomFilters();
      // Every third search draws a triangle inside a box that does not wrap.
      const [w, s, e, n] = bbox;
      const ring: Ring | null = i % 3 === 0 && w <= e ? [[w, s], [e, s], [(w + e) / 2, n], [w, s]] : null;
      searches.set(id, { bbox, ring, filters });
      index.put({ id, area: ring ? { polygon: ring } : { bbox }, filters });
    }
    for (let i = 0; i < 60; i++) {
      searches.delete(`s${i}`);
      index.remove(`s${i}`);
    }
    // Saved again with other filters: the new definition replaces the old.
    for (let i = 60; i < 90; i++) {
      const s = searches.get(`s${i}`)!;
      s.filters = randomFilters();
      index.put({ id: `s${i}`, area: s.ring ? { polygon: s.ring } : { bbox: s.bbox }, filters: s.filters });
    }
    expect(index.size).toBe(searches.size);

    let matched = 0;
    for (let i = 0; i < 3_000; i++) {
      const r = randomListing(`l${i}`);
      const got = index.match(r);
      const want = [...searches]
        .filter(([, s]) => passes(r, s.filters) && inBox(r, s.bbox) && (s.ring === null || inRing(r, s.ring)))
        .map(([id]) => id)
        .sort();
      // Near an edge the index decides on quantized coordinates: leave those searches out.
      const unsure = new Set([...searches].filter(([, s]) => nearEdge(r, s.bbox) || (s.ring !== null && !farFromRing(r, s.ring))).map(([id]) => id));
      const sure = (ids: string[]) => ids.filter((id) => !unsure.has(id));
      expect(sure(got), `listing ${i}`).toEqual(sure(want));
      matched += want.length;
    }
    expect(matched).toBeGreaterThan(300);
  });
});

/** Whether a point is farther than ten EDGEs from every edge of a ring. */
function farFromRing(r: ListingRecord, ring: Ring): boolean {
  for (let i = 1; i < ring.length; i++) {
    const [x1, y1] = ring[i - 1]!;
    const [x2, y2] = ring[i]!;
    const dx = x2 - x1;
    const dy = y2 - y1;
    const t = Math.max(0, Math.min(1, ((r.lon - x1) * dx + (r.lat - y1) * dy) / (dx * dx + dy * dy)));
    if (Math.hypot(r.lon - (x1 + t * dx), r.lat - (y1 + t * dy)) < EDGE * 10) return false;
  }
  return true;
}

describe('SearchAreaGrid order', () => {
  it('returns matched ids in JavaScript string order, whatever their first seven characters share', () => {
    // Ids that tie on the numeric key's seven characters, end inside it, pass ASCII ('~' is
    // 126, where the key stops) or the Basic Multilingual Plane: sorted by the key alone,
    // some of these would come out of order.
    const ids = ['s-AAAAAAx', 's-AAAAAA', 's-AAAAAAb', 's-AAAAA', 's-~b', 's-~a', 's-~', 's-é2', 's-é1', 's-\u{1F3E0}', 's-\uFFFD', 'S-a', 's-', 's', 'z', 'a\u0000', 'a', 'ss-100', 'ss-1000', 'ss-10', 'ss-99'];
    const grid = new SearchAreaGrid();
    for (const id of [...ids].reverse()) grid.put({ id, area: { bbox: [-74.1, 40.6, -73.9, 40.8] }, filters: {} });
    const got = grid.match(randomListingAt(-74, 40.7));
    expect(got).toEqual([...ids].sort());
    // Removed and put again under a new slot order: still sorted.
    for (const id of ids.slice(0, 7)) grid.remove(id);
    for (const id of ids.slice(0, 7)) grid.put({ id, area: { bbox: [-74.1, 40.6, -73.9, 40.8] }, filters: {} });
    expect(grid.match(randomListingAt(-74, 40.7))).toEqual([...ids].sort());
  });
});

function randomListingAt(lon: number, lat: number): ListingRecord {
  return { ...randomListing('l'), lon, lat };
}
