import { describe, expect, it } from 'vitest';
import { extentOf, nice, priceStepsAround } from '../server/search/market-overview';
import { keysOf, placeKey } from '../server/search/place-directory';
import { airbnbDate } from '../server/import/row-formats';
import { parseRingParam, ringParam } from '../server/core/polygon';

describe('market overview', () => {
  it('rounds prices to half a power of ten', () => {
    expect([nice(827), nice(1_620), nice(4_100), nice(74), nice(9)]).toEqual([850, 1_500, 4_000, 75, 9]);
  });

  it('price steps are increasing round numbers around the average', () => {
    expect(priceStepsAround(1_000)).toEqual([250, 400, 500, 600, 750, 1_000, 1_500, 2_000, 2_500, 3_000, 4_000]);
    expect(priceStepsAround(0)).toEqual([]);
  });

  it('the extent leaves out the last half percent of listings at each edge and pads the rest', () => {
    const b = (lon: number, lat: number, count: number) => ({ key: `${lon}`, label: '', lat, lon, count, priceAvg: 1, currency: 'USD', pricePer: 'month' as const });
    // One listing abroad (0.1% of them) does not pull the box across the Atlantic.
    const box = extentOf([b(12.5, 55.6, 500), b(12.6, 55.7, 480), b(-70, 40, 1)])!;
    expect(box[0]).toBeCloseTo(12.495, 6);
    expect(box[2]).toBeCloseTo(12.605, 6);
    expect(box[1]).toBeCloseTo(55.595, 6);
    expect(box[3]).toBeCloseTo(55.705, 6);
    // Ten abroad (1%) are more than an edge's share: the box takes them in.
    expect(extentOf([b(12.5, 55.6, 500), b(12.6, 55.7, 480), b(-70, 40, 10)])![0]).toBeLessThan(-70);
    expect(extentOf([])).toBeNull();
  });
});

describe('place keys', () => {
  it('a Chinese name is found by its pinyin and initials, any name without spaces or case', () => {
    expect(keysOf('静安区')).toEqual(['静安区', 'jinganqu', 'jaq']);
    expect(placeKey("Jing'an  District")).toBe('jingandistrict');
    expect(keysOf('Williamsburg')).toEqual(['williamsburg']);
  });
});

describe('import dates', () => {
  it.each([
    ['2019-05-21', Date.UTC(2019, 4, 21)],
    ['21-05-2019', Date.UTC(2019, 4, 21)],
    ['31-02-2019', null],
    ['', null],
    ['yesterday', null],
  ])('%s', (text, expected) => {
    expect(airbnbDate(text)).toBe(expected);
  });
});

describe('drawn areas in a URL', () => {
  it('round-trips a ring, closing it', () => {
    const ring = parseRingParam('-73.99,40.72,-73.97,40.72,-73.97,40.735');
    expect(ring).toEqual([[-73.99, 40.72], [-73.97, 40.72], [-73.97, 40.735], [-73.99, 40.72]]);
    expect(ringParam(ring as [number, number][])).toBe('-73.99,40.72,-73.97,40.72,-73.97,40.735');
    expect(parseRingParam('1,2,3')).toBe('must be lon,lat pairs: at least three corners');
  });
});
