import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient } from './helpers/live-client';
import { startApi, tempDir, secretForTests } from './helpers/roost';

const TOKEN = secretForTests();
const MIDTOWN: [number, number, number, number] = [-74.0, 40.74, -73.97, 40.77];
const BROOKLYN: [number, number, number, number] = [-73.99, 40.64, -73.93, 40.7];
const listing = { title: 'Sunny loft', lat: 40.755, lon: -73.985, price: 3200, type: 'entire', bedrooms: 2, district: 'Manhattan', neighbourhood: 'Midtown' };

describe('the write API and live push on one node', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  const write = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    api = await startApi(tempDir('live'), { ADMIN_TOKEN: TOKEN });
  });
  afterAll(async () => api?.close());

  it('refuses writes without the token, with a wrong one, and when no token is set', async () => {
    expect((await write('POST', '/api/listings', listing, { authorization: '' })).status).toBe(401);
    const wrong = await write('POST', '/api/listings', listing, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    const noToken = await startApi(tempDir('no-token'));
    try {
      const res = await fetch(`${noToken.url}/api/listings`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(listing) });
      expect(res.status).toBe(401);
    } finally {
      await noToken.close();
    }
  });

  it('refuses bad bodies with a 4xx naming the field', async () => {
    const cases: [unknown, number, string | undefined][] = [
      [{ ...listing, lat: 91 }, 400, 'lat'],
      [{ ...listing, price: -5 }, 400, 'price'],
      [{ ...listing, type: 'castle' }, 400, 'type'],
      [{ ...listing, id: 'a b' }, 400, 'id'],
      [{ ...listing, colour: 'red' }, 400, 'colour'],
      [{ title: 'x' }, 400, 'lat'],
      ['{not json', 400, 'body'],
    ];
    for (const [body, status, field] of cases) {
      const res = await write('POST', '/api/listings', body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      const err = ((await res.json()) as { error: { field?: string; message: string } }).error;
      if (field) expect(err.field).toBe(field);
      else expect(err.message).toMatch(/colour/);
    }
    expect((await write('POST', '/api/listings', listing, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await write('POST', '/api/listings', { ...listing, title: 'x'.repeat(70_000) })).status).toBe(413);
    expect((await write('PATCH', '/api/listings/nope', { price: 1 })).status).toBe(404);
    expect((await write('PATCH', '/api/listings/nope', {})).status).toBe(400);
    expect((await write('DELETE', '/api/listings/nope')).status).toBe(404);
  });

  it('pushes new, changed, moved and removed listings to the watchers they touch, and no others', async () => {
    const midtown = await LiveClient.connect(api.url);
    const brooklyn = await LiveClient.connect(api.url);
    const cheap = await LiveClient.connect(api.url);
    await midtown.watch(MIDTOWN);
    await brooklyn.watch(BROOKLYN);
    await cheap.watch(MIDTOWN, { priceMax: 3000 });

    const created = await write('POST', '/api/listings', { ...listing, id: 'live-1' });
    expect(created.status).toBe(201);
    const up = await midtown.next((m) => m.type === 'listing' && m.listing?.id === 'live-1');
    expect(up).toMatchObject({ type: 'listing', op: 'upsert', listing: { id: 'live-1', price: 3200, title: 'Sunny loft', bedrooms: 2 } });
    // Searchable when the write answers.
    const search = (await (await fetch(`${api.url}/api/search?bbox=${MIDTOWN.join(',')}&zoom=17`)).json()) as { listings: { id: string }[] };
    expect(search.listings.map((l) => l.id)).toContain('live-1');

    // A price drop brings it into the cheap watcher's filter.
    expect((await write('PATCH', '/api/listings/live-1', { price: 2900 })).status).toBe(200);
    expect(await cheap.next((m) => m.listing?.id === 'live-1')).toMatchObject({ op: 'upsert', listing: { price: 2900 } });
    await midtown.next((m) => m.listing?.price === 2900);

    // Moved to Brooklyn: Midtown hears it leave, Brooklyn hears it arrive.
    expect((await write('PATCH', '/api/listings/live-1', { lat: 40.67, lon: -73.96 })).status).toBe(200);
    expect(await midtown.next((m) => m.op === 'remove')).toMatchObject({ listing: { id: 'live-1', lat: 40.755 } });
    expect(await brooklyn.next((m) => m.listing?.id === 'live-1')).toMatchObject({ op: 'upsert', listing: { lat: 40.67 } });

    expect((await write('DELETE', '/api/listings/live-1')).status).toBe(204);
    expect(await brooklyn.next((m) => m.op === 'remove')).toMatchObject({ listing: { id: 'live-1' } });
    expect((await fetch(`${api.url}/api/listings/live-1`)).status).toBe(404);

    // Nobody heard of what was not in their view or filters.
    expect(brooklyn.messages.map((m) => m.op)).toEqual(['upsert', 'remove']);
    expect(cheap.messages.map((m) => [m.op, m.listing?.price])).toEqual([['upsert', 2900], ['remove', 2900]]);
    for (const c of [midtown, brooklyn, cheap]) c.close();
  });

  it('a new watch replaces the old one', async () => {
    const c = await LiveClient.connect(api.url);
    await c.watch(MIDTOWN);
    await c.watch(BROOKLYN);
    await write('POST', '/api/listings', { ...listing, id: 'live-2' });
    await write('POST', '/api/listings', { ...listing, id: 'live-3', lat: 40.67, lon: -73.96 });
    await c.next((m) => m.listing?.id === 'live-3');
    expect(c.messages.map((m) => m.listing?.id)).toEqual(['live-3']);
    c.close();
  });

  it('answers a bad frame with an error frame naming the field, and stays open', async () => {
    const c = await LiveClient.connect(api.url);
    c.send('not json');
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: 'bad_request', message: 'frame is not JSON' });
    c.send({ type: 'watch', bbox: [0, 10, 1] });
    expect((await c.next((m) => m.type === 'error' && String(m.message).startsWith('bbox'))).message).toMatch(/^bbox/);
    c.send({ type: 'watch', bbox: [0, 0, 1, 1], filters: { priceMin: 'cheap' } });
    expect((await c.next((m) => String(m.message).startsWith('filters.priceMin'))).code).toBe('bad_request');
    c.send({ type: 'dance' });
    await c.next((m) => String(m.message).startsWith('type'));
    await c.watch(MIDTOWN);
    expect(c.closeCode).toBeNull();
    c.close();
  });

  it('closes a frame over 64 KiB with 1009 and refuses a foreign origin', async () => {
    const c = await LiveClient.connect(api.url);
    c.send({ type: 'watch', bbox: [0, 0, 1, 1], pad: 'x'.repeat(70_000) });
    expect(await c.closed()).toBe(1009);
    await expect(LiveClient.connect(api.url, { origin: 'https://evil.example' })).rejects.toThrow(/403/);
    const same = await LiveClient.connect(api.url, { origin: api.url });
    same.close();
  });
});
