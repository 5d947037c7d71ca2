import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCity } from '../server/demo/demo-city';
import { EmbeddedEngine } from '../server/engine/embedded/embedded-engine';
import type { ListQuery } from '../server/engine/search-engine';
import { PlaceDirectory } from '../server/search/place-directory';
import { tempDir } from './helpers/roost';

describe('the place box', () => {
  let engine: EmbeddedEngine;
  const asked: ListQuery[] = [];

  beforeAll(async () => {
    engine = await EmbeddedEngine.open({ dataDir: tempDir('places'), pollIntervalMs: 60_000 });
    await engine.upsertMany([...demoCity(3_000, 4)]);
    const list = engine.list.bind(engine);
    engine.list = (q: ListQuery) => {
      asked.push(q);
      return list(q);
    };
  });
  afterAll(() => engine.close());

  it('ranks the listings of a text once while its area names are kept, and each text apart', async () => {
    const places = new PlaceDirectory(engine);
    const first = await places.find('sunny');
    expect(first.filter((p) => p.kind === 'listing').length).toBeGreaterThan(0);
    expect(asked).toHaveLength(1);
    expect(await places.find('Sunny ')).toEqual(first);
    expect(asked).toHaveLength(1);
    await places.find('loft');
    expect(asked).toHaveLength(2);
  });
});
