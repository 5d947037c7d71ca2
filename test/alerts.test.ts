import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient } from './helpers/live-client';
import { Renter } from './helpers/renter';
import { startApi, tempDir, secretForTests } from './helpers/roost';

const TOKEN = secretForTests();
const MIDTOWN: [number, number, number, number] = [-74.0, 40.74, -73.97, 40.77];
const home = { title: 'Alert home', lat: 40.755, lon: -73.985, price: 2800, type: 'entire', district: 'Manhattan', neighbourhood: 'Midtown' };

describe('saved searches and alerts on one node', () => {
  /** A renter's inbox once it holds at least `n` alerts (matching runs just after a write). */
  interface InboxAlert {
    id: number;
    searchId: string;
    reason: string;
    listing: { id: string };
  }
  async function inboxOnce(r: Renter, n: number): Promise<InboxAlert[]> {
    for (let i = 0; ; i++) {
      const alerts = ((await (await r.api(api.url, '/api/alerts?after=0')).json()) as { alerts: InboxAlert[] }).alerts;
      if (alerts.length >= n) return alerts;
      expect(i, `inbox still holds ${alerts.length} of ${n}`).toBeLessThan(200);
      await new Promise((res) => setTimeout(res, 25));
    }
  }

  let api: Awaited<ReturnType<typeof startApi>>;
  const write = (method: string, path: string, body?: unknown) =>
    fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  beforeAll(async () => {
    api = await startApi(tempDir('alerts'), { ADMIN_TOKEN: TOKEN });
  });
  afterAll(async () => api?.close());

  it('issues a signed, httpOnly, SameSite session cookie and refuses a tampered one', async () => {
    const res = await fetch(`${api.url}/api/saved-searches`);
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^roost_session=[\w-]+\.[\w-]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    const value = /roost_session=([^;]+)/.exec(cookie)![1]!;
    const [id, sig] = value.split('.') as [string, string];
    const forged = `roost_session=${id}x.${sig}`;
    const refused = await fetch(`${api.url}/api/saved-searches`, { headers: { cookie: forged } });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    await expect(LiveClient.connect(api.url, { cookie: forged })).rejects.toThrow(/401/);
    expect((await fetch(`${api.url}/api/alerts?after=0`, { headers: { cookie: `roost_session=${id}.AAAA` } })).status).toBe(401);
  });

  it('validates saved searches, naming the field', async () => {
    const r = await Renter.visit(api.url);
    const cases: [unknown, string][] = [
      [{ bbox: MIDTOWN }, 'name'],
      [{ name: 'x' }, 'bbox'],
      [{ name: 'x', bbox: MIDTOWN, polygon: [[0, 0], [1, 0], [0, 1]] }, 'bbox'],
      [{ name: 'x', bbox: [0, 10, 1, 5] }, 'bbox'],
      [{ name: 'x', polygon: [[0, 0], [0, 0], [0, 0]] }, 'polygon'],
      [{ name: 'x', polygon: [[0, 0], [500, 0], [0, 1]] }, 'polygon'],
      [{ name: 'x', bbox: MIDTOWN, filters: { priceMax: -1 } }, 'filters.priceMax'],
      [{ name: 'x', bbox: MIDTOWN, notify: ['everything'] }, 'notify.0'],
      [{ name: 'x', bbox: MIDTOWN, colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await r.api(api.url, '/api/saved-searches', { method: 'POST', body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      const err = ((await res.json()) as { error: { field?: string; message: string } }).error;
      if (field) expect(err.field).toBe(field);
      else expect(err.message).toMatch(/colour/);
    }
    expect((await r.api(api.url, '/api/alerts?after=x')).status).toBe(400);
    const malformed = await r.api(api.url, '/api/saved-searches/%E0%A4%A', { method: 'DELETE' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { field: string } }).error.field).toBe('id');
  });

  it('one renter can never read, change or delete another renter’s searches or alerts', async () => {
    const alice = await Renter.visit(api.url);
    const bob = await Renter.visit(api.url);
    const created = await alice.api(api.url, '/api/saved-searches', { method: 'POST', body: { name: 'Alice’s', bbox: MIDTOWN } });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect(((await (await bob.api(api.url, '/api/saved-searches')).json()) as { savedSearches: unknown[] }).savedSearches).toEqual([]);
    expect((await bob.api(api.url, `/api/saved-searches/${id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await bob.api(api.url, `/api/saved-searches/${id}`, { method: 'PATCH', body: { name: 'mine now' } })).status).toBe(404);
    await write('POST', '/api/listings', { ...home, id: 'iso-1' });
    const aliceAlerts = await inboxOnce(alice, 1);
    expect(aliceAlerts.map((a) => a.searchId)).toEqual([id]);
    expect(((await (await bob.api(api.url, '/api/alerts?after=0')).json()) as { alerts: unknown[] }).alerts).toEqual([]);
    const list = ((await (await alice.api(api.url, '/api/saved-searches')).json()) as { savedSearches: { id: string; name: string }[] }).savedSearches;
    expect(list).toMatchObject([{ id, name: 'Alice’s' }]);
    expect((await alice.api(api.url, `/api/saved-searches/${id}`, { method: 'DELETE' })).status).toBe(204);
    await write('DELETE', '/api/listings/iso-1');
  });

  it('alerts for new, price drop and removed, live over the socket and in the inbox; resume replays', async () => {
    const r = await Renter.visit(api.url);
    const res = await r.api(api.url, '/api/saved-searches', { method: 'POST', body: { name: 'Midtown under $3k', bbox: MIDTOWN, filters: { priceMax: 3000, type: ['entire'] } } });
    const search = (await res.json()) as { id: string };
    const socket = await r.socket(api.url);
    await socket.watch(MIDTOWN);
    await write('POST', '/api/listings', { ...home, id: 'al-1' });
    await write('POST', '/api/listings', { ...home, id: 'al-other', type: 'private' }); // not within the filters
    await write('PATCH', '/api/listings/al-1', { price: 2500 });
    await write('PATCH', '/api/listings/al-1', { price: 2600 }); // a rise: nothing to say
    await write('DELETE', '/api/listings/al-1');
    await socket.next((m) => m.type === 'alert' && m.reason === 'removed');
    const alerts = socket.messages.filter((m) => m.type === 'alert');
    expect(alerts.map((a) => [a.reason, a.searchId, (a.listing as { id: string }).id, (a.listing as { price: number }).price])).toEqual([
      ['new', search.id, 'al-1', 2800],
      ['price_drop', search.id, 'al-1', 2500],
      ['removed', search.id, 'al-1', 2600],
    ]);
    const ids = alerts.map((a) => a.id as number);
    expect(ids[0]! < ids[1]! && ids[1]! < ids[2]!).toBe(true);
    const inbox = ((await (await r.api(api.url, `/api/alerts?after=0`)).json()) as { alerts: { id: number; reason: string }[] }).alerts;
    expect(inbox.map((a) => a.id)).toEqual(ids);
    // A reconnect that saw only the first asks for the rest.
    const again = await r.socket(api.url);
    again.send({ type: 'resume', after: ids[0] });
    await again.next((m) => m.type === 'alert' && m.id === ids[2]);
    expect(again.messages.filter((m) => m.type === 'alert').map((m) => m.id)).toEqual(ids.slice(1));
    socket.close();
    again.close();
  });

  it('one alert per home per change, however many of the renter\'s searches it matches', async () => {
    const r = await Renter.visit(api.url);
    const searchIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await r.api(api.url, '/api/saved-searches', { method: 'POST', body: { name: `Midtown ${i}`, bbox: MIDTOWN, filters: { priceMax: 3000 + i } } });
      searchIds.push(((await res.json()) as { id: string }).id);
    }
    await write('POST', '/api/listings', { ...home, id: 'al-once' });
    // A marker after it: once its alert is in, the first change was matched too.
    await write('POST', '/api/listings', { ...home, id: 'al-once-marker', price: 2900 });
    const alerts = await inboxOnce(r, 2);
    expect(alerts.map((a) => a.listing.id)).toEqual(['al-once', 'al-once-marker']);
    // The same search every time (ties go to the first id), so a redone batch agrees.
    expect(alerts.map((a) => a.searchId)).toEqual([[...searchIds].sort()[0], [...searchIds].sort()[0]]);
  });

  it("a renter's alerts of one batch are frames of their own, in id order, written to the socket together", async () => {
    const r = await Renter.visit(api.url);
    const created = await r.api(api.url, '/api/saved-searches', { method: 'POST', body: { name: 'Midtown', bbox: MIDTOWN } });
    const searchId = ((await created.json()) as { id: string }).id;
    const socket = await r.socket(api.url);
    await socket.watch(MIDTOWN);
    const counter = async (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(await (await fetch(`${api.url}/metrics`)).text())?.[1] ?? 0);
    const lagged = 'roost_alert_lag_seconds_count\\{stage="delivered"\\}';
    const [writes0, delivered0, lagged0] = [await counter('roost_alert_socket_writes_total'), await counter('roost_alerts_delivered_total'), await counter(lagged)];
    // Five homes in one transaction: the matcher reads them in one batch and commits their alerts together.
    const now = Date.now();
    await api.engine.upsertMany(
      [0, 1, 2, 3, 4].map((i) => ({ ...home, id: `al-five-${i}`, type: 'entire' as const, currency: 'USD', pricePer: 'month' as const, bedrooms: null, listedAt: now, updatedAt: now })),
    );
    await inboxOnce(r, 5);
    const frames = async () => socket.messages.filter((m) => m.type === 'alert');
    for (let i = 0; (await frames()).length < 5; i++) {
      expect(i, 'five alert frames').toBeLessThan(200);
      await new Promise((res) => setTimeout(res, 25));
    }
    const alerts = await frames();
    expect(alerts.map((a) => a.searchId)).toEqual([searchId, searchId, searchId, searchId, searchId]);
    expect(alerts.map((a) => (a.listing as { id: string }).id).sort()).toEqual(['al-five-0', 'al-five-1', 'al-five-2', 'al-five-3', 'al-five-4']);
    const ids = alerts.map((a) => a.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(5);
    // One transaction wrote the five, so one read of the inbox found them: one write.
    expect((await counter('roost_alerts_delivered_total')) - delivered0).toBe(5);
    expect((await counter('roost_alert_socket_writes_total')) - writes0).toBe(1);
    expect((await counter(lagged)) - lagged0).toBe(5); // each alert's wait from its commit, for /metrics
    socket.close();
  });

  it('drawn areas, paused searches and the changes a renter chose', async () => {
    const r = await Renter.visit(api.url);
    const triangle = [[-74.0, 40.74], [-73.97, 40.74], [-73.985, 40.77]];
    const poly = (await (await r.api(api.url, '/api/saved-searches', { method: 'POST', body: { name: 'Drawn', polygon: triangle, notify: ['price_drop'] } })).json()) as { id: string; polygon: unknown };
    expect(poly.polygon).toEqual([...triangle, triangle[0]]);
    const paused = (await (await r.api(api.url, '/api/saved-searches', { method: 'POST', body: { name: 'Paused', bbox: MIDTOWN } })).json()) as { id: string };
    expect((await r.api(api.url, `/api/saved-searches/${paused.id}`, { method: 'PATCH', body: { paused: true } })).status).toBe(200);
    await write('POST', '/api/listings', { ...home, id: 'poly-in', lat: 40.745, lon: -73.985 });
    await write('POST', '/api/listings', { ...home, id: 'poly-out', lat: 40.768, lon: -73.998 }); // in the box, outside the triangle
    await write('PATCH', '/api/listings/poly-in', { price: 2000 });
    await write('PATCH', '/api/listings/poly-out', { price: 2000 });
    // A marker after the rest: once its alert is in, every earlier change was matched.
    const marker = (await (await r.api(api.url, '/api/saved-searches', { method: 'POST', body: { name: 'Marker', bbox: [10, 10, 11, 11] } })).json()) as { id: string };
    await write('POST', '/api/listings', { ...home, id: 'marker', lat: 10.5, lon: 10.5 });
    const all = await inboxOnce(r, 2);
    const inbox = all.filter((a) => a.searchId !== marker.id);
    expect(inbox.map((a) => [a.searchId, a.reason, a.listing.id])).toEqual([[poly.id, 'price_drop', 'poly-in']]);
  });

  it('a resume without a session is refused with an error frame', async () => {
    const c = await LiveClient.connect(api.url);
    c.send({ type: 'resume', after: 0 });
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: 'unauthorized' });
    c.close();
  });
});
