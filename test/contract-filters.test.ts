/**
 * The page's URL and the API read filters through one contract: for each field, the page
 * keeps a value exactly when /api/search would take it (and then the same value).
 */
import { describe, expect, it } from 'vitest';
import { filtersJson, filtersSchema } from '../server/contract/filters';
import { filtersOf, listParamsSchema, searchParamsSchema, singleParams } from '../server/http/query-schemas';
import { parseView, viewQuery } from '../components/map/view-state';

const BBOX = 'bbox=-74.1,40.6,-73.8,40.9&zoom=12';

function api(query: string) {
  const url = new URL(`http://x/api/search?${BBOX}&${query}`);
  const r = searchParamsSchema.safeParse(singleParams(url, Object.keys(searchParamsSchema.shape)));
  return r.success ? { ok: true as const, filters: filtersOf(r.data), polygon: r.data.polygon } : { ok: false as const };
}

const CASES = [
  'priceMin=0',
  'priceMax=2147483647',
  'priceMax=2147483648',
  'priceMax=100000001',
  'priceMin=-1',
  'priceMin=1e3',
  'priceMin=12abc',
  'priceMax=',
  'bedsMin=50',
  'bedsMin=51',
  'bathsMin=1.5',
  'bathsMin=2.0',
  'bathsMin=0',
  'bathsMin=1.25',
  'bathsMin=50.5',
  'bathsMin=-1',
  'bathsMin=1e1',
  'bathsMin=.5',
  'guestsMin=4',
  'guestsMin=100',
  'guestsMin=101',
  'guestsMin=4.5',
  'amenities=wifi',
  'amenities=pool,wifi,wifi',
  'amenities=sauna',
  'amenities=wifi,',
  'amenities=',
  'amenities=WIFI',
  'type=entire',
  'type=private,shared',
  'type=entire,entire',
  'type=castle',
  'type=',
  'q=sunny loft',
  'q=静安',
  `q=${'x'.repeat(300)}`,
  'polygon=-73.99,40.72,-73.97,40.72,-73.97,40.735',
  'polygon=-73.99,40.72,-73.97',
  'polygon=1,2,3,4,5,nope',
];

describe('filters: one contract for the page and the API', () => {
  for (const query of CASES) {
    it(`page and API agree on ${query.slice(0, 60)}`, () => {
      const a = api(query);
      const v = parseView(new URLSearchParams(query));
      const { lat: _lat, lon: _lon, zoom: _zoom, sort: _sort, polygon, ...kept } = v;
      if (a.ok) {
        expect(kept).toEqual(a.filters);
        expect(polygon).toEqual(a.polygon);
      } else {
        // Refused by the API: the page drops the field, keeping no filter at all.
        expect(kept).toEqual({});
        expect(polygon).toBeUndefined();
      }
    });
  }

  it('the API takes zooms 0–22; the page brings them into the map’s 3–19', () => {
    for (const [zoom, page] of [
      ['0', 3],
      ['3', 3],
      ['19', 19],
      ['22', 19],
    ] as const) {
      expect(searchParamsSchema.safeParse({ bbox: '-74,40,-73,41', zoom }).success).toBe(true);
      expect(parseView(new URLSearchParams(`lat=40.7&lon=-74&zoom=${zoom}`)).zoom).toBe(page);
    }
    expect(searchParamsSchema.safeParse({ bbox: '-74,40,-73,41', zoom: '23' }).success).toBe(false);
    expect(parseView(new URLSearchParams('lat=40.7&lon=-74&zoom=23')).zoom).toBe(11);
  });

  it('JSON filters (watch frames, saved searches) take the same limits, type as an array or text', () => {
    expect(filtersSchema.parse({ type: ['entire', 'entire'], priceMax: 2 ** 31 - 1 })).toEqual({ types: ['entire'], priceMax: 2 ** 31 - 1 });
    expect(filtersSchema.parse({ types: 'private,shared' })).toEqual({ types: ['private', 'shared'] });
    expect(filtersSchema.safeParse({ priceMax: 2 ** 31 }).success).toBe(false);
    expect(filtersSchema.safeParse({ type: ['castle'] }).success).toBe(false);
    expect(filtersSchema.safeParse({ colour: 'red' }).success).toBe(false);
  });

  it('JSON filters take bathrooms in half steps, guests, and amenities in the vocabulary’s order', () => {
    expect(filtersSchema.parse({ bathsMin: 1.5, guestsMin: 2, amenities: ['pool', 'wifi', 'pool'] })).toEqual({ bathsMin: 1.5, guestsMin: 2, amenities: ['wifi', 'pool'] });
    expect(filtersSchema.parse({ amenities: 'kitchen,wifi' })).toEqual({ amenities: ['wifi', 'kitchen'] });
    expect(filtersSchema.parse({ amenities: [] })).toEqual({});
    expect(filtersSchema.safeParse({ bathsMin: 1.25 }).success).toBe(false);
    expect(filtersSchema.safeParse({ guestsMin: 2.5 }).success).toBe(false);
    expect(filtersSchema.safeParse({ amenities: ['sauna'] }).success).toBe(false);
    expect(filtersSchema.safeParse({ amenities: 'Wifi' }).success).toBe(false);
  });

  it('the page keeps each list order the API takes, and falls back to newest for any other', () => {
    for (const sort of ['price', 'price_desc', 'newest', 'price_cut'] as const) {
      expect(parseView(new URLSearchParams(`sort=${sort}`)).sort).toBe(sort);
      expect(listParamsSchema.parse({ bbox: '-74,40,-73,41', sort }).sort).toBe(sort);
    }
    expect(parseView(new URLSearchParams('sort=cheapest')).sort).toBe('newest');
    expect(listParamsSchema.safeParse({ bbox: '-74,40,-73,41', sort: 'cheapest' }).success).toBe(false);
  });

  it('a view’s filters survive the URL and the JSON form unchanged', () => {
    const view = parseView(new URLSearchParams('lat=40.7&lon=-74&zoom=12&bathsMin=1.5&guestsMin=3&amenities=washer,wifi&bedsMin=1&sort=price_cut'));
    expect(view).toMatchObject({ bathsMin: 1.5, guestsMin: 3, amenities: ['wifi', 'washer'], bedsMin: 1, sort: 'price_cut' });
    expect(parseView(new URLSearchParams(viewQuery(view)))).toEqual(view);
    const { lat: _a, lon: _b, zoom: _c, sort: _d, ...filters } = view;
    expect(filtersSchema.parse(filtersJson(filters))).toEqual(filters);
  });
});
