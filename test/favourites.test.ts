/**
 * Favourites are homes by id (CONTRACT.md "Favourites"): a favourite hears of its own
 * home's price drop and removal, never of another home at the same address, and a change
 * a renter's favourite and saved search both match is one alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './helpers/browser-session';
import { startApi, tempDir } from './helpers/roost';
import type { RoostServer } from '../server/app-server';

const TOKEN = 'favourites-test-admin-token-0123456789abcdef';
const spot = { lat: 40.7301, lon: -73.9951 };
const home = { title: 'Kept home', ...spot, price: 3000, type: 'entire', district: 'Manhattan', neighbourhood: 'Village' };

describe('favourites', () => {
  let api: RoostServer & { url: string };
  const write = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status).toBeLessThan(300);
  };
  /** The renter's inbox once at least `n` alerts are in it. */
  async function inbox(b: BrowserSession, n: number): Promise<{ id: number; reason: string; favourite?: string; searchId?: string; listing: { id: string; price: number } }[]> {
    for (let i = 0; ; i++) {
      const alerts = (await b.json('/api/alerts?after=0')).body.alerts;
      if (alerts.length >= n) return alerts;
      expect(i, `inbox holds ${alerts.length} of ${n}`).toBeLessThan(200);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  beforeAll(async () => {
    api = await startApi(tempDir('favourites'), { ADMIN_TOKEN: TOKEN });
  });
  afterAll(async () => api?.close());

  it('alerts on its own home only: a drop and a removal, not a neighbour at the same address; listed with the price when saved', async () => {
    await write('POST', '/api/listings', { ...home, id: 'fav-mine' });
    await write('POST', '/api/listings', { ...home, id: 'fav-neighbour', title: 'Same address, other flat' });
    const b = new BrowserSession(api.url);
    expect((await b.api('/api/favourites/fav-mine', { method: 'PUT' })).status).toBe(204);
    expect((await b.api('/api/favourites/no-such-home', { method: 'PUT' })).status).toBe(404);
    await write('PATCH', '/api/listings/fav-neighbour', { price: 2000 }); // another home at the same spot: nothing
    await write('PATCH', '/api/listings/fav-mine', { price: 3200 }); // dearer: nothing
    await write('PATCH', '/api/listings/fav-mine', { price: 2700 }); // cheaper: a drop
    await write('DELETE', '/api/listings/fav-mine');
    const alerts = await inbox(b, 2);
    // Opened once both are in the inbox: the resume replays them, in order (a socket open
    // while they were being matched would also hear the later one live, first).
    const socket = await b.socket();
    expect(alerts.map((a) => [a.reason, a.favourite, a.listing.id])).toEqual([
      ['price_drop', 'fav-mine', 'fav-mine'],
      ['removed', 'fav-mine', 'fav-mine'],
    ]);
    expect(alerts.every((a) => a.searchId === undefined)).toBe(true);
    socket.send({ type: 'resume', after: 0 });
    const frame = await socket.next((f) => f.type === 'alert');
    expect(frame).toMatchObject({ type: 'alert', favourite: 'fav-mine', reason: 'price_drop' });
    expect(frame.searchId).toBeUndefined();
    socket.close();
    const favs = (await b.json('/api/favourites')).body.favourites;
    expect(favs).toHaveLength(1);
    expect(favs[0]).toMatchObject({ priceWhenSaved: 3000, removed: true, listing: { id: 'fav-mine' } });
    expect((await b.api('/api/favourites/fav-mine', { method: 'DELETE' })).status).toBe(204);
    expect((await b.json('/api/favourites')).body.favourites).toEqual([]);
  });

  it('a drop that a favourite and a saved search both match is one alert (the favourite\'s)', async () => {
    await write('POST', '/api/listings', { ...home, id: 'fav-both', lat: 40.74, lon: -73.99 });
    const b = new BrowserSession(api.url);
    expect((await b.api('/api/saved-searches', { method: 'POST', body: { name: 'Around', bbox: [-74.0, 40.73, -73.98, 40.75] } })).status).toBe(201);
    expect((await b.api('/api/favourites/fav-both', { method: 'PUT' })).status).toBe(204);
    await write('PATCH', '/api/listings/fav-both', { price: 2500 });
    // A marker home after it: its alert in the inbox means the drop was matched too.
    await write('POST', '/api/listings', { ...home, id: 'fav-marker', lat: 40.741, lon: -73.99 });
    const alerts = await inbox(b, 2);
    expect(alerts.map((a) => [a.listing.id, a.reason, a.favourite ?? a.searchId?.slice(0, 2)])).toEqual([
      ['fav-both', 'price_drop', 'fav-both'],
      ['fav-marker', 'new', 's-'],
    ]);
  });
});
