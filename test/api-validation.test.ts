import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretForTests, startApi, tempDir } from './helpers/roost';

const OK = 'bbox=-74.1,40.6,-73.8,40.9&zoom=12';

describe('bad input gets a 400 naming the field', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi(tempDir('validation'));
  });
  afterAll(async () => api?.close());

  const cases: [string, string, string][] = [
    ['/api/search', 'zoom=12', 'bbox'],
    ['/api/search', 'bbox=1,2,3&zoom=12', 'bbox'],
    ['/api/search', 'bbox=a,b,c,d&zoom=12', 'bbox'],
    ['/api/search', 'bbox=-74,40,-73,41,5&zoom=12', 'bbox'],
    ['/api/search', 'bbox=-74,41,-73,40&zoom=12', 'bbox'],
    ['/api/search', 'bbox=-200,40,-73,41&zoom=12', 'bbox'],
    ['/api/search', 'bbox=-74,-95,-73,41&zoom=12', 'bbox'],
    ['/api/search', 'bbox=-74,40,Infinity,41&zoom=12', 'bbox'],
    ['/api/search', 'bbox=-74,40,0x10,41&zoom=12', 'bbox'],
    ['/api/search', 'bbox=-74.1,40.6,-73.8,40.9', 'zoom'],
    ['/api/search', 'bbox=-74.1,40.6,-73.8,40.9&zoom=', 'zoom'],
    ['/api/search', 'bbox=-74.1,40.6,-73.8,40.9&zoom=23', 'zoom'],
    ['/api/search', 'bbox=-74.1,40.6,-73.8,40.9&zoom=-1', 'zoom'],
    ['/api/search', 'bbox=-74.1,40.6,-73.8,40.9&zoom=12.5', 'zoom'],
    ['/api/search', 'bbox=-74.1,40.6,-73.8,40.9&zoom=1e1', 'zoom'],
    ['/api/search', `${OK}&zoom=13`, 'zoom'],
    ['/api/search', `${OK}&priceMin=cheap`, 'priceMin'],
    ['/api/search', `${OK}&priceMin=-1`, 'priceMin'],
    ['/api/search', `${OK}&priceMax=99999999999`, 'priceMax'],
    ['/api/search', `${OK}&type=castle`, 'type'],
    ['/api/search', `${OK}&type=entire,`, 'type'],
    ['/api/search', `${OK}&type=`, 'type'],
    ['/api/search', `${OK}&bedsMin=two`, 'bedsMin'],
    ['/api/search', `${OK}&bedsMin=51`, 'bedsMin'],
    ['/api/search', `${OK}&polygon=1,2,3`, 'polygon'],
    ['/api/search', `${OK}&polygon=0,0,0,0,0,0`, 'polygon'],
    ['/api/search', `${OK}&polygon=0,0,1,x,2,2`, 'polygon'],
    ['/api/listings', 'bbox=-74.1,40.6,-73.8,40.9&polygon=0,0,500,0,0,1', 'polygon'],
    ['/api/listings', 'sort=price', 'bbox'],
    ['/api/listings', 'bbox=-74.1,40.6,-73.8,40.9&sort=cheapest', 'sort'],
    ['/api/listings', 'bbox=-74.1,40.6,-73.8,40.9&limit=0', 'limit'],
    ['/api/listings', 'bbox=-74.1,40.6,-73.8,40.9&limit=101', 'limit'],
    ['/api/listings', 'bbox=-74.1,40.6,-73.8,40.9&cursor=%%%', 'cursor'],
    ['/api/listings', 'bbox=-74.1,40.6,-73.8,40.9&cursor=bm90IGpzb24', 'cursor'],
    ['/api/listings', 'bbox=-74.1,40.6,-73.8,40.9&cursor=WzEsMl0', 'cursor'],
    ['/api/listings', 'bbox=-74.1,40.6,-73.8,40.9&bedsMin=x', 'bedsMin'],
    ['/api/search', `${OK}&bathsMin=1.25`, 'bathsMin'],
    ['/api/search', `${OK}&bathsMin=51`, 'bathsMin'],
    ['/api/search', `${OK}&bathsMin=-1`, 'bathsMin'],
    ['/api/search', `${OK}&guestsMin=2.5`, 'guestsMin'],
    ['/api/search', `${OK}&guestsMin=101`, 'guestsMin'],
    ['/api/search', `${OK}&amenities=sauna`, 'amenities'],
    ['/api/search', `${OK}&amenities=wifi,`, 'amenities'],
    ['/api/listings', 'bbox=-74.1,40.6,-73.8,40.9&amenities=Wifi', 'amenities'],
    ['/api/listings', 'bbox=-74.1,40.6,-73.8,40.9&sort=price_up', 'sort'],
    ['/api/price-histogram', 'bbox=-74.1,40.6,-73.8,40.9&guestsMin=many', 'guestsMin'],
  ];

  it.each(cases)('%s?%s → 400 naming %s', async (route, qs, field) => {
    const res = await fetch(`${api.url}${route}?${qs}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await res.json()) as { error: { code: string; message: string; field: string } };
    expect(body.error.code).toBe('bad_request');
    expect(body.error.field).toBe(field);
    expect(body.error.message).toContain(field);
  });

  it('refuses an id that could not be one', async () => {
    const res = await fetch(`${api.url}/api/listings/${encodeURIComponent('a b<c>')}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe('id');
    const bad = await fetch(`${api.url}/api/listings/%E0%A4%A`);
    expect(bad.status).toBe(400);
  });

  it('answers wrong methods and unknown API paths with JSON 4xx, not a page', async () => {
    const post = await fetch(`${api.url}/api/search?${OK}`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
    const unknown = await fetch(`${api.url}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('accepts the valid forms, an antimeridian box included', async () => {
    for (const qs of [OK, `${OK}&type=entire,private&priceMin=0&priceMax=500&bedsMin=0`, `${OK}&bathsMin=1.5&guestsMin=2&amenities=wifi,kitchen`, 'bbox=170,-10,-170,10&zoom=3', 'bbox=-180,-90,180,90&zoom=0']) {
      const res = await fetch(`${api.url}/api/search?${qs}`);
      expect(res.status, qs).toBe(200);
    }
    for (const sort of ['price', 'price_desc', 'newest', 'price_cut']) {
      const res = await fetch(`${api.url}/api/listings?bbox=-74.1,40.6,-73.8,40.9&sort=${sort}&bathsMin=1&amenities=pool`);
      expect(res.status, sort).toBe(200);
    }
  });
});

describe('text someone else will read holds no control or bidi-override characters (core/visible-text.ts)', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  const token = secretForTests();
  const home = { title: 'Plain home', lat: 40.75, lon: -73.98, price: 2000, type: 'entire', district: 'Manhattan', neighbourhood: 'Midtown' };
  beforeAll(async () => {
    api = await startApi(tempDir('visible-text'), { ADMIN_TOKEN: token });
  });
  afterAll(async () => api?.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const write = (body: unknown) => post('/api/listings', body, { authorization: `Bearer ${token}` });

  const refused: [string, Record<string, string>][] = [
    ['title', { title: 'Cheap \u202Egnp.exe' }],
    ['title', { title: 'NUL\u0000inside' }],
    ['title', { title: 'two\nlines' }],
    ['title', { title: 'C1 \u0085 next line' }],
    ['title', { title: 'isolate \u2067x\u2069' }],
    ['description', { description: 'escape \u001b[31m red' }],
    ['description', { description: 'lone surrogate \ud800' }],
    ['district', { district: 'Man\u202Dhattan' }],
    ['neighbourhood', { neighbourhood: 'Mid\u0007town' }],
  ];
  it.each(refused)('a listing with a control character in %s → 400 naming it', async (field, change) => {
    const res = await write({ ...home, ...change });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; field: string; message: string } };
    expect(error.field).toBe(field);
    expect(error.message).toMatch(/control or bidi-override characters \(found U\+[0-9A-F]{4}\)/);
  });

  it('the same refused in a change to a listing and in a saved search\'s name', async () => {
    const created = await write({ ...home, id: 'visible-1' });
    expect(created.status).toBe(201);
    const patch = await fetch(`${api.url}/api/listings/visible-1`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ title: 'now \u202E reversed' }),
    });
    expect(patch.status).toBe(400);
    expect(((await patch.json()) as { error: { field: string } }).error.field).toBe('title');
    const saved = await post('/api/saved-searches', { name: 'My \u202Esearch', bbox: [-74, 40.7, -73.9, 40.8] }, { origin: api.url });
    expect(saved.status).toBe(400);
    expect(((await saved.json()) as { error: { field: string } }).error.field).toBe('name');
  });

  it('ordinary text passes: line breaks and tabs in a description, right-to-left scripts with their marks, emoji sequences', async () => {
    const res = await write({ ...home, title: 'דירה \u200Fשקטה 👨‍👩‍👧 سكن', description: 'Two rooms.\n\tGarden.\r\nNear the park.' });
    expect(res.status).toBe(201);
  });

  it('a drawn area of more than 2,000 corners → 400 naming polygon', async () => {
    const corners = Array.from({ length: 2_001 }, (_, i) => `${i % 7},${i % 5}`).join(',');
    const res = await fetch(`${api.url}/api/search?${OK}&polygon=${corners}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string; message: string } }).error).toMatchObject({ field: 'polygon', message: expect.stringMatching(/more than 2000 vertices/) });
  });
});
