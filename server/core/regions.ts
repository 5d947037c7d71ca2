import { bucketPrices, mergeUnitSums, type Bucket, type UnitSum } from '../contract/search-prices';
import { mercatorX, mercatorY } from './geotile';

/**
 * The level above districts, for the lowest zooms (levels.ts: `region` at zoom ≤ 8). The
 * data names districts and neighbourhoods, not cities (CONTRACT.md's Listing; Inside
 * Airbnb's files neither), so a region is what the districts' own places say: districts
 * whose centroids lie within REGION_LINK of one another, chained (single linkage), are
 * one region — a metro area: New York's five boroughs, Los Angeles' districts. Both
 * engines fold their district totals into the same regions (computed from the unfiltered
 * district centroids), so counts stay exact and equal across engines.
 */

/**
 * Districts closer than this (Web Mercator, the world 1 wide) are one region: 48 pixels at
 * zoom 8, where the region level ends — about 23 km on the ground at New York's latitude.
 * Districts of one city lie closer (their bubbles would pile up at zoom 8); cities lie
 * farther apart (New York–Philadelphia is 130 km).
 */
export const REGION_LINK = 48 / (256 * 2 ** 8);

/** A district's unfiltered totals: where it is and how many homes it holds. */
export interface DistrictPlace {
  key: string;
  count: number;
  lat: number;
  lon: number;
}

/** A region as its buckets show it: keyed by its largest district, named for all of them. */
export interface Region {
  key: string;
  label: string;
}

/** District key → its region. */
export type RegionMap = ReadonlyMap<string, Region>;

/** The words every name starts with ("Los Angeles East", "Los Angeles Downtown" → "Los Angeles"). */
function commonWords(names: string[]): string {
  const split = names.map((n) => n.split(/\s+/));
  const first = split[0]!;
  let k = 0;
  while (k < first.length - 1 && split.every((w) => w.length > k + 1 && w[k] === first[k])) k++;
  return first.slice(0, k).join(' ');
}

/**
 * The regions of a set of districts: linked by a grid of REGION_LINK cells (each district
 * compared with the districts of its own and the eight cells around), so thousands of
 * districts cost milliseconds. Named by the words all their districts' names start with,
 * else by the largest district's name and how many more it stands for ("Manhattan +4").
 */
export function linkRegions(districts: readonly DistrictPlace[]): RegionMap {
  const n = districts.length;
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const x = districts.map((d) => mercatorX(d.lon));
  const y = districts.map((d) => mercatorY(d.lat));
  const cells = new Map<string, number[]>();
  const cellOf = (i: number) => [Math.floor(x[i]! / REGION_LINK), Math.floor(y[i]! / REGION_LINK)] as const;
  for (let i = 0; i < n; i++) {
    const [cx, cy] = cellOf(i);
    const k = `${cx},${cy}`;
    const list = cells.get(k);
    if (list) list.push(i);
    else cells.set(k, [i]);
  }
  for (let i = 0; i < n; i++) {
    const [cx, cy] = cellOf(i);
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const j of cells.get(`${cx + dx},${cy + dy}`) ?? []) {
          if (j <= i || Math.hypot(x[i]! - x[j]!, y[i]! - y[j]!) >= REGION_LINK) continue;
          parent[find(i)] = find(j);
        }
      }
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(i);
    else groups.set(root, [i]);
  }
  const out = new Map<string, Region>();
  for (const members of groups.values()) {
    // Named first (homes no area claims have the district ''), then largest, ties by key:
    // the same data names its regions the same on every engine.
    const unnamed = (i: number) => (districts[i]!.key === '' ? 1 : 0);
    members.sort((a, b) => unnamed(a) - unnamed(b) || districts[b]!.count - districts[a]!.count || (districts[a]!.key < districts[b]!.key ? -1 : 1));
    const lead = districts[members[0]!]!;
    const named = members.filter((i) => districts[i]!.key !== '');
    const prefix = named.length > 1 ? commonWords(named.map((i) => districts[i]!.key)) : '';
    const label = named.length <= 1 ? lead.key : prefix || `${lead.key} +${named.length - 1}`;
    for (const i of members) out.set(districts[i]!.key, { key: lead.key, label });
  }
  return out;
}

/** One district's matching homes as sums: count, latitude and longitude added up (degrees), and prices per unit. */
export interface DistrictSums {
  key: string;
  count: number;
  sumLat: number;
  sumLon: number;
  /** Prices added up per currency and period: a region of two cities keeps them apart. */
  prices: UnitSum[];
}

/**
 * District sums folded into region buckets, largest first then by key (as every level's
 * buckets are). A district the map does not know yet (new since the regions were linked)
 * is a region of its own until the next linking.
 */
export function foldRegions(sums: readonly DistrictSums[], regions: RegionMap): Bucket[] {
  const byRegion = new Map<string, { label: string; count: number; lat: number; lon: number; prices: UnitSum[] }>();
  for (const s of sums) {
    if (s.count === 0) continue;
    const r = regions.get(s.key) ?? { key: s.key, label: s.key };
    const t = byRegion.get(r.key) ?? { label: r.label, count: 0, lat: 0, lon: 0, prices: [] };
    t.count += s.count;
    t.lat += s.sumLat;
    t.lon += s.sumLon;
    mergeUnitSums(t.prices, s.prices);
    byRegion.set(r.key, t);
  }
  const out: Bucket[] = [...byRegion].map(([key, t]) => ({
    key,
    label: t.label,
    count: t.count,
    lat: t.lat / t.count,
    lon: t.lon / t.count,
    ...bucketPrices(t.prices),
  }));
  return out.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
