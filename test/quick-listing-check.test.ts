import { describe, expect, it } from 'vitest';
import { listingInputSchema } from '../server/core/listing';
import { quickListingCheck } from '../server/import/quick-listing-check';
import { NdjsonRows, SkipRow } from '../server/import/row-formats';

/**
 * The import's quick check stands in for the listing schema on good rows: it must never
 * accept a row the schema refuses, and what it gives must be exactly the schema's data.
 */
const good = {
  id: 'demo-1',
  title: 'Sunny flat, near the park',
  lat: 41.88,
  lon: -87.63,
  price: 1450,
  type: 'entire',
  district: 'Loop',
  neighbourhood: 'West Loop',
  bedrooms: 2,
  listedAt: '2026-11-03T10:00:00.000Z',
};

/** Values to put in each field, good and bad, edge cases first. */
const VARIANTS: Record<string, unknown[]> = {
  id: ['a', 'x'.repeat(64), 'x'.repeat(65), '', 'has space', 'ünï', 'a.b_c:d-e', 0, 7, -0, -1, 1.5, 2 ** 53 - 1, 2 ** 53, 1e300, null, true, {}, []],
  title: ['', 'x'.repeat(500), 'x'.repeat(501), 'tab\there', 'line\u2028sep', 'bidi \u202e', 'emoji 👩‍👩‍👧', 'lone \ud800', 'zero\u0000', 'del\u007f', 'c1\u0085', 'ltr\u200e mark', 5, null],
  lat: [-90, 90, 90.0000001, -90.1, 0, -0, '41.8', null, 1e308],
  lon: [-180, 180, 180.5, -181, 12.345678, '12', null],
  price: [0, 100_000_000, 100_000_001, -1, 1.5, 2 ** 53, '100', null, 1e21],
  type: ['entire', 'private', 'shared', 'hotel', 'Entire', '', null, 1],
  currency: ['USD', 'EUR', 'CNY', 'usd', 'XXX', 'ZZZ', 'US', 'USDD', '', null, 840],
  pricePer: ['month', 'night', 'week', '', null],
  district: ['', 'x'.repeat(120), 'x'.repeat(121), 'a\nb', 'Ναός', null, 3],
  neighbourhood: ['', 'x'.repeat(120), 'x'.repeat(121), 'a\tb', '中关村', null, []],
  bedrooms: [0, 50, 51, -1, 2.5, '2', null],
  bathrooms: [0, 0.5, 1.5, 50, 50.5, 1.25, 0.1, -0.5, '1', null, 1e-300],
  guests: [1, 100, 0, 101, 2.5, '3', null],
  amenities: [[], ['Wifi', 'Kitchen'], ['  Wifi  ', 'Wifi'], ['   '], [''], ['x'.repeat(100)], ['x'.repeat(101)], [' ' + 'x'.repeat(100) + ' '], Array(100).fill('a'), Array(101).fill('a'), [1], 'Wifi', null, ['\u00a0Wifi\u3000']],
  description: ['', 'x'.repeat(5000), 'x'.repeat(5001), 'line\nbreak\r\ntab\t', 'bell\u0007', 'sep\u2028', 'bidi\u2066', null, 7],
  photos: [[], ['https://example.com/a.jpg'], ['http://x.test/p.png', 'https://y.test/q'], ['javascript:alert(1)'], ['data:image/png;base64,AA'], ['not a url'], ['https://e.com/' + 'a'.repeat(1990)], ['https://e.com/' + 'a'.repeat(2000)], Array(20).fill('https://e.com/a'), Array(21).fill('https://e.com/a'), [1], 'https://e.com/a', null],
  listedAt: ['2026-11-03T10:00:00Z', '2026-11-03T10:00:00.123456Z', '2026-11-03T10:00:00+05:30', '2026-11-03T10:00Z', '2026-11-03', '2024-02-29T00:00:00Z', '2023-02-29T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-03T24:00:00Z', 'yesterday', '', null, 1700000000000],
};

function corpus(): unknown[] {
  const rows: unknown[] = [good, { ...good, extra: 'ignored', nested: { a: 1 } }, null, [], 'row', 5, {}];
  for (const [field, values] of Object.entries(VARIANTS)) {
    for (const v of values) rows.push({ ...good, [field]: v });
    const { [field]: _gone, ...without } = good as Record<string, unknown>;
    rows.push(without);
  }
  // Pairs of fields varied at once, by a fixed sequence so a failure repeats.
  let seed = 12345;
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  const fields = Object.keys(VARIANTS);
  for (let i = 0; i < 3000; i++) {
    const row: Record<string, unknown> = { ...good };
    for (let k = 0; k < 1 + (i % 3); k++) {
      const f = fields[next(fields.length)]!;
      row[f] = VARIANTS[f]![next(VARIANTS[f]!.length)];
    }
    rows.push(row);
  }
  return rows;
}

describe('the import quick check against the listing schema', () => {
  const rows = corpus();

  it('never accepts a row the schema refuses, and gives the schema data exactly', () => {
    let agreedGood = 0;
    let agreedBad = 0;
    for (const row of rows) {
      const schema = listingInputSchema.safeParse(row);
      const quick = quickListingCheck(row);
      if (quick === null) {
        if (!schema.success) agreedBad++;
        else if (process.env.SHOW_SCHEMA_ONLY) console.log('schema only:', JSON.stringify(row));
        continue;
      }
      expect(schema.success, JSON.stringify(row)).toBe(true);
      expect(quick, JSON.stringify(row)).toStrictEqual(schema.data);
      agreedGood++;
    }
    // Both kinds are in the corpus in numbers, so the comparison above means something.
    expect(agreedGood).toBeGreaterThan(500);
    expect(agreedBad).toBeGreaterThan(500);
  });

  it('takes the plain good rows itself (else it saves nothing)', () => {
    const plain = [good, { ...good, id: 42, currency: 'EUR', pricePer: 'night', bathrooms: 1.5, guests: 4, amenities: [' Wifi '], description: 'Two rooms.\nQuiet.', photos: ['https://example.com/a.jpg'] }];
    for (const row of plain) expect(quickListingCheck(row), JSON.stringify(row)).not.toBeNull();
  });

  it('leaves a skipped row its schema message, with the field named', () => {
    const rows = new NdjsonRows();
    const reason = (row: unknown) => {
      try {
        rows.parse(JSON.stringify(row));
      } catch (err) {
        if (err instanceof SkipRow) return err.message;
        throw err;
      }
      return null;
    };
    expect(reason({ ...good, price: -1 })).toMatch(/^price: /);
    expect(reason({ ...good, title: 'bidi \u202e' })).toBe('title: must not contain control or bidi-override characters (found U+202E)');
    expect(reason({ ...good, id: 'has space' })).toBe('id: id may hold letters, digits and . _ : - only');
    expect(reason(good)).toBeNull();
  });
});
