/**
 * Bathrooms, guests and amenities through the write API and back in the Listing JSON:
 * kept when given, shown when known, cleared by a PATCH with null (or an empty list), and
 * refused by name when they could not be.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, tempDir } from './helpers/roost';

const TOKEN = 'test-admin-token-of-listing-fields';
const listing = { id: 'fields-1', title: 'Sunny loft', lat: 40.755, lon: -73.985, price: 3200, type: 'entire', district: 'Manhattan', neighbourhood: 'Midtown' };

describe('bathrooms, guests and amenities in the write API', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  const write = (method: string, path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const get = async (id: string) => (await fetch(`${api.url}/api/listings/${id}`)).json() as Promise<Record<string, unknown>>;

  beforeAll(async () => {
    api = await startApi(tempDir('listing-fields'), { ADMIN_TOKEN: TOKEN });
  });
  afterAll(async () => api?.close());

  it('keeps them, shows them, and a PATCH clears them', async () => {
    const created = await write('POST', '/api/listings', { ...listing, bathrooms: 1.5, guests: 4, amenities: ['Wifi', 'Kitchen'] });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ bathrooms: 1.5, guests: 4, amenities: ['Wifi', 'Kitchen'] });
    expect(await get('fields-1')).toMatchObject({ bathrooms: 1.5, guests: 4, amenities: ['Wifi', 'Kitchen'] });
    expect((await write('PATCH', '/api/listings/fields-1', { guests: 2, amenities: ['Wifi'] })).status).toBe(200);
    expect(await get('fields-1')).toMatchObject({ bathrooms: 1.5, guests: 2, amenities: ['Wifi'] });
    expect((await write('PATCH', '/api/listings/fields-1', { bathrooms: null, guests: null, amenities: [] })).status).toBe(200);
    const cleared = await get('fields-1');
    expect(['bathrooms', 'guests', 'amenities'].filter((k) => k in cleared)).toEqual([]);
    // A listing written without them has none.
    expect((await write('POST', '/api/listings', { ...listing, id: 'fields-2' })).status).toBe(201);
    expect(Object.keys(await get('fields-2'))).not.toContain('bathrooms');
  });

  it.each([
    [{ bathrooms: 1.25 }, 'bathrooms'],
    [{ bathrooms: -1 }, 'bathrooms'],
    [{ guests: 0 }, 'guests'],
    [{ guests: 2.5 }, 'guests'],
    [{ amenities: 'Wifi' }, 'amenities'],
    [{ amenities: [''] }, 'amenities'],
    [{ amenities: Array.from({ length: 101 }, (_, i) => `a${i}`) }, 'amenities'],
  ])('%j → 400 naming %s', async (extra, field) => {
    const res = await write('POST', '/api/listings', { ...listing, id: 'fields-bad', ...extra });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { field: string } };
    expect(body.error.field).toMatch(new RegExp(`^${field}`));
  });
});
