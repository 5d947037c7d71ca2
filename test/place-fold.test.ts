import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedEngine } from '../server/engine/embedded/embedded-engine';
import { PlaceDirectory, placeKey } from '../server/search/place-directory';
import type { ListingRecord } from '../server/core/listing';
import { tempDir } from './helpers/roost';

/** Homes of a city whose file names areas with accents, and one whose file has one area column. */
function home(id: number, district: string, neighbourhood: string, lat: number, lon: number, currency: string): ListingRecord {
  const now = Date.now();
  return { id: `f-${id}`, title: `Home ${id}`, lat, lon, price: 1000 + id, currency, pricePer: 'month', type: 'entire', district, neighbourhood, bedrooms: 1, listedAt: now, updatedAt: now } as ListingRecord;
}

describe('the place box folds accents and lists each area once (issue 30)', () => {
  let engine: EmbeddedEngine;

  beforeAll(async () => {
    engine = await EmbeddedEngine.open({ dataDir: tempDir('place-fold'), pollIntervalMs: 60_000 });
    const homes: ListingRecord[] = [];
    for (let i = 0; i < 30; i++) homes.push(home(i, 'Oslo', i % 2 ? 'Grünerløkka' : 'Frogner', 59.92 + i * 1e-4, 10.75 + i * 1e-4, 'NOK'));
    // A file without a district column: the importer gives each area as its own district.
    for (let i = 30; i < 60; i++) homes.push(home(i, i % 2 ? '徐汇区' : '静安区', i % 2 ? '徐汇区' : '静安区', 31.2 + i * 1e-4, 121.45 + i * 1e-4, 'CNY'));
    await engine.upsertMany(homes);
  });
  afterAll(() => engine.close());

  it('folds letters that do not decompose, and case', () => {
    expect(placeKey('Grünerløkka')).toBe('grunerlokka');
    expect(placeKey('GRUNERLOKKA')).toBe('grunerlokka');
    expect(placeKey('Ærøskøbing')).toBe('aeroskobing');
    expect(placeKey('Straße')).toBe('strasse');
  });

  it('"Grunerlokka" and "grünerLØKKA" find Grünerløkka', async () => {
    const places = new PlaceDirectory(engine);
    for (const q of ['Grunerlokka', 'grünerLØKKA', 'grunerl']) {
      const found = (await places.find(q)).filter((p) => p.kind !== 'listing');
      expect(found.map((p) => p.label), q).toEqual(['Grünerløkka']);
    }
  });

  it('one suggestion per area when district and neighbourhood are the same name', async () => {
    const places = new PlaceDirectory(engine);
    const found = (await places.find('徐汇')).filter((p) => p.kind !== 'listing');
    expect(found.map((p) => [p.kind, p.label, p.detail ?? ''])).toEqual([['district', '徐汇区', '']]);
    const pinyin = (await places.find('xuhui')).filter((p) => p.kind !== 'listing');
    expect(pinyin).toHaveLength(1);
  });
});
