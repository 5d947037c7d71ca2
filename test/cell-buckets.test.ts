/** The page gathers the engine's cells of homes no area claims to its zoom's cluster cells. */
import { describe, expect, it } from 'vitest';
import { cellOf, coarsenCells } from '../components/map/cell-buckets';
import { cellBucketKey } from '../server/core/levels';
import type { Bucket } from '../server/contract/search-prices';

const cell = (p: number, x: number, y: number, count: number, lat: number, lon: number, priceAvg: number, currency = 'NOK'): Bucket => ({
  key: cellBucketKey(p, x, y),
  label: '',
  count,
  lat,
  lon,
  priceAvg,
  currency,
  pricePer: 'night',
});

describe('coarsenCells', () => {
  const area: Bucket = { key: 'Frogner', label: 'Frogner', count: 9, lat: 59.92, lon: 10.7, priceAvg: 1500, currency: 'NOK', pricePer: 'night' };

  it('adds up four cells into their parent two precisions up: counts, home-weighted centroid and price, per unit', () => {
    const got = coarsenCells([area, cell(12, 2168, 1188, 3, 59.9, 10.7, 1000), cell(12, 2169, 1189, 1, 59.8, 10.8, 2000), cell(12, 2171, 1188, 2, 59.9, 10.9, 900, 'EUR')], 10);
    expect(got).toEqual([
      area,
      {
        key: cellBucketKey(10, 542, 297),
        label: '',
        count: 6,
        lat: (59.9 * 3 + 59.8 + 59.9 * 2) / 6,
        lon: (10.7 * 3 + 10.8 + 10.9 * 2) / 6,
        // Most homes are NOK: its four homes averaged alone, EUR listed beside.
        priceAvg: 1250,
        currency: 'NOK',
        pricePer: 'night',
        units: [
          { currency: 'NOK', pricePer: 'night', count: 4, priceAvg: 1250 },
          { currency: 'EUR', pricePer: 'night', count: 2, priceAvg: 900 },
        ],
      },
    ]);
  });

  it('leaves cells as coarse as the zoom, and areas, as they are', () => {
    const coarse = cell(10, 542, 297, 5, 59.9, 10.7, 1000);
    expect(coarsenCells([coarse, area], 12)).toEqual([area, coarse]);
    expect(cellOf(area.key)).toBeNull();
    expect(cellOf(coarse.key)).toEqual({ p: 10, x: 542, y: 297 });
  });
});
