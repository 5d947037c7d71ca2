import { CELL_KEY_PREFIX, cellBucketKey, isCellKey } from '@/server/core/levels';
import { bucketPrices, mergeUnitSums, type Bucket, type UnitSum } from '@/server/contract/search-prices';

/** A cell bucket's precision and tile, from its key (core/levels cellBucketKey); null for an area. */
export function cellOf(key: string): { p: number; x: number; y: number } | null {
  if (!isCellKey(key)) return null;
  const [p, x, y] = key.slice(CELL_KEY_PREFIX.length).split('/').map(Number);
  return Number.isInteger(p) && Number.isInteger(x) && Number.isInteger(y) ? { p: p!, x: x!, y: y! } : null;
}

/** A bucket's homes per unit, as sums (its averages were rounded: within half a unit of price). */
function unitSumsOf(b: Bucket): UnitSum[] {
  const units = b.units ?? [{ currency: b.currency, pricePer: b.pricePer, count: b.count, priceAvg: b.priceAvg }];
  return units.map((u) => ({ currency: u.currency, pricePer: u.pricePer, count: u.count, sumPrice: u.priceAvg * u.count }));
}

/**
 * The cells of homes no area claims, gathered into the cells of `precision` (the cluster
 * level's at the map's zoom). Whole-area levels are asked for at one zoom per level (the
 * page's AREA_ZOOM), so their cells are as fine as that zoom's clusters: at a lower zoom of
 * the level they would be a pile of touching bubbles, where the cluster level shows one per
 * 64 pixels. Counts, centroids (weighted by homes) and per-unit prices add up as the
 * engine's own cells would; areas and cells already coarse enough pass unchanged.
 */
export function coarsenCells(buckets: readonly Bucket[], precision: number): Bucket[] {
  const out: Bucket[] = [];
  const merged = new Map<string, { count: number; lat: number; lon: number; prices: UnitSum[] }>();
  for (const b of buckets) {
    const cell = cellOf(b.key);
    if (!cell || cell.p <= precision) {
      out.push(b);
      continue;
    }
    const shift = cell.p - precision;
    const key = cellBucketKey(precision, Math.floor(cell.x / 2 ** shift), Math.floor(cell.y / 2 ** shift));
    const m = merged.get(key) ?? { count: 0, lat: 0, lon: 0, prices: [] };
    m.count += b.count;
    m.lat += b.lat * b.count;
    m.lon += b.lon * b.count;
    mergeUnitSums(m.prices, unitSumsOf(b));
    merged.set(key, m);
  }
  for (const [key, m] of merged) out.push({ key, label: '', count: m.count, lat: m.lat / m.count, lon: m.lon / m.count, ...bucketPrices(m.prices) });
  return out.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
