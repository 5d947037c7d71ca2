/**
 * The wire contract's price rule on its own (server/contract/search-prices.ts): a bucket
 * names its largest unit and averages only that unit's homes; ties go to the first
 * currency, then period; the whole answer's units add up over buckets and listings.
 */
import { describe, expect, it } from 'vitest';
import { bucketPrices, mergeUnitSums, soleUnit, viewUnits, type Bucket, type UnitSum } from '../server/contract/search-prices';

const sum = (currency: string, pricePer: 'month' | 'night', count: number, sumPrice: number): UnitSum => ({ currency, pricePer, count, sumPrice });

describe('search prices', () => {
  it('one unit: its average, no units list', () => {
    expect(bucketPrices([sum('NOK', 'night', 3, 3000)])).toEqual({ priceAvg: 1000, currency: 'NOK', pricePer: 'night' });
  });

  it('mixed: the largest unit named and averaged alone, every unit listed largest first; never a blend', () => {
    const got = bucketPrices([sum('USD', 'month', 1, 3000), sum('NOK', 'night', 3, 3001), sum('EUR', 'month', 0, 0)]);
    expect(got).toEqual({
      priceAvg: 1000,
      currency: 'NOK',
      pricePer: 'night',
      units: [
        { currency: 'NOK', pricePer: 'night', count: 3, priceAvg: 1000 },
        { currency: 'USD', pricePer: 'month', count: 1, priceAvg: 3000 },
      ],
    });
  });

  it('a tie goes to the first currency, then the first period', () => {
    expect(bucketPrices([sum('USD', 'night', 2, 200), sum('EUR', 'night', 2, 400)]).currency).toBe('EUR');
    expect(bucketPrices([sum('EUR', 'night', 2, 200), sum('EUR', 'month', 2, 400)]).pricePer).toBe('month');
  });

  it('merges sums unit by unit', () => {
    const into = [sum('USD', 'month', 1, 10)];
    mergeUnitSums(into, [sum('USD', 'month', 2, 20), sum('NOK', 'night', 1, 5)]);
    expect(into).toEqual([sum('USD', 'month', 3, 30), sum('NOK', 'night', 1, 5)]);
  });

  it("the view's units add up each bucket's units (or the bucket itself), largest first", () => {
    const b = (over: Partial<Bucket>): Bucket => ({ key: 'k', label: '', count: 1, lat: 0, lon: 0, priceAvg: 1, currency: 'USD', pricePer: 'month', ...over });
    const units = viewUnits(
      [
        b({ count: 5 }),
        b({ count: 4, currency: 'NOK', pricePer: 'night', units: [{ currency: 'NOK', pricePer: 'night', count: 3, priceAvg: 1 }, { currency: 'USD', pricePer: 'month', count: 1, priceAvg: 1 }] }),
      ],
      [],
    );
    expect(units).toEqual([{ currency: 'USD', pricePer: 'month', count: 6 }, { currency: 'NOK', pricePer: 'night', count: 3 }]);
    expect(soleUnit(units)).toBeNull();
    expect(soleUnit(units.slice(0, 1))).toEqual({ currency: 'USD', pricePer: 'month' });
    expect(viewUnits([], [])).toEqual([]);
  });
});
