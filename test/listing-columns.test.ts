/**
 * The column table on its own: rows appended past several grows, then permuted, read back
 * column by column against the plain objects they were made from.
 */
import { describe, expect, it } from 'vitest';
import { ListingColumns, type RowValues } from '../server/engine/embedded/listing-columns';

function row(i: number): RowValues {
  return {
    latE: -(i + 1) * 7,
    lonE: i * 11,
    lat: i / 3,
    lon: -(i + 1) / 7,
    mx: i / 1e6,
    my: 1 - i / 1e6,
    price: i * 13,
    type: i % 3,
    beds: (i % 5) - 1,
    baths: (i % 7) - 1,
    guests: (i % 9) - 1,
    amenities: i % 1024,
    cutBp: (i * 17) % 10_001,
    cutAt: i % 4 === 0 ? -1 : 29_000_000 + i,
    district: i % 65_000,
    neighbourhood: (i * 3) % 65_000,
    unit: i % 7,
    listedAt: 1.7e12 + i,
    updatedAt: 1.7e12 + 2 * i,
    alive: i % 2,
    rowSlot: 5_000 - i,
  };
}

function readBack(c: ListingColumns, r: number): RowValues {
  return Object.fromEntries(Object.keys(row(0)).map((name) => [name, c.cols[name as keyof RowValues][r]])) as RowValues;
}

describe('ListingColumns', () => {
  it('keeps every column of every row through grows and a permutation', () => {
    const c = new ListingColumns();
    const n = 5_000;
    for (let i = 0; i < n; i++) expect(c.append(row(i))).toBe(i);
    expect(c.size).toBe(n);
    for (const i of [0, 1, 1023, 1024, 2047, 2048, n - 1]) expect(readBack(c, i), `row ${i}`).toEqual(row(i));

    // Every third row, last first.
    const perm = Int32Array.from({ length: Math.ceil(n / 3) }, (_, k) => n - 1 - 3 * k);
    c.permute(perm, perm.length + 10);
    expect(c.size).toBe(perm.length);
    for (let k = 0; k < perm.length; k++) expect(readBack(c, k)).toEqual(row(perm[k]!));
    // Room was kept for appends after the permutation.
    expect(c.append(row(9))).toBe(perm.length);
    expect(readBack(c, perm.length)).toEqual(row(9));
  });
});
