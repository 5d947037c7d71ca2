/**
 * Anonymous sessions cost what a renter uses, and end: new sessions (that keep something)
 * and saved searches are bounded per client address, and a session unused for its whole
 * time is forgotten with everything it kept — its searches stop matching, its alerts go.
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetAbandoned } from '../server/accounts/abandoned-sessions';
import { BrowserSession } from './helpers/browser-session';
import { startApi, tempDir } from './helpers/roost';
import type { RoostServer } from '../server/app-server';

const TOKEN = 'anonymous-sessions-admin-token-0123456789';
const AREA = [-74.0, 40.7, -73.9, 40.8];

/** The row key of a browser's session: the SHA-256 of its cookie's id. */
const keyOf = (b: BrowserSession) => {
  const value = /roost_session=([^;]+)/.exec(b.cookie)![1]!;
  return crypto.createHash('sha256').update(value.slice(0, value.lastIndexOf('.'))).digest('hex');
};

describe('anonymous sessions', () => {
  let api: RoostServer & { url: string };
  beforeAll(async () => {
    api = await startApi(tempDir('anon'), { ADMIN_TOKEN: TOKEN, RATE_SESSIONS_PER_HOUR: '3', RATE_SAVED_SEARCHES_PER_DAY: '5' });
  });
  afterAll(async () => api?.close());

  it('one address: 3 new sessions that keep something an hour, 5 saved searches a day; then 429 with Retry-After; reading is free', async () => {
    const browsers = [0, 1, 2, 3].map(() => new BrowserSession(api.url));
    const statuses: number[] = [];
    for (const [i, b] of browsers.entries()) statuses.push((await b.api('/api/saved-searches', { method: 'POST', body: { name: `S${i}`, bbox: AREA } })).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    // A visitor who keeps nothing starts no session row: any number may look.
    for (let i = 0; i < 10; i++) expect((await new BrowserSession(api.url).api('/api/saved-searches')).status).toBe(200);
    // An existing session adds searches until the address's day is spent (3 made above).
    const more: number[] = [];
    for (let i = 0; i < 3; i++) more.push((await browsers[0]!.api('/api/saved-searches', { method: 'POST', body: { name: `More ${i}`, bbox: AREA } })).status);
    expect(more).toEqual([201, 201, 429]);
    const r = await browsers[1]!.api('/api/saved-searches', { method: 'POST', body: { name: 'over', bbox: AREA } });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(3600);
  });

  it('a session unused for its whole time is forgotten with its searches (which stop matching), favourites and alerts; others stay', async () => {
    const fresh = await startApi(tempDir('anon-forget'), { ADMIN_TOKEN: TOKEN });
    try {
      const post = async (id: string, lat: number) => {
        const res = await fetch(`${fresh.url}/api/listings`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ id, title: id, lat, lon: -73.95, price: 2000, type: 'entire' }) });
        expect(res.status).toBe(201);
      };
      const alertsOf = async (b: BrowserSession) => (await b.json('/api/alerts?after=0')).body.alerts as { listing: { id: string } }[];
      const until = async (ok: () => Promise<boolean>) => {
        for (let i = 0; !(await ok()); i++) {
          expect(i).toBeLessThan(200);
          await new Promise((r) => setTimeout(r, 25));
        }
      };
      const gone = new BrowserSession(fresh.url);
      const kept = new BrowserSession(fresh.url);
      for (const b of [gone, kept]) expect((await b.api('/api/saved-searches', { method: 'POST', body: { name: 'All', bbox: AREA } })).status).toBe(201);
      await post('anon-1', 40.75);
      expect((await gone.api('/api/favourites/anon-1', { method: 'PUT' })).status).toBe(204);
      await until(async () => (await alertsOf(gone)).length === 1 && (await alertsOf(kept)).length === 1);

      // Its time is up (as if 180 days passed without a visit); the other's is not.
      const row = (await fresh.accounts.session(keyOf(gone)))!;
      await fresh.accounts.touchSession(row.key, row.seenAt, Date.now() - 1);
      expect(await forgetAbandoned(fresh.accounts, fresh.alerts, (id) => fresh.engine.removeSearch(id))).toBe(1);
      expect(await fresh.accounts.session(row.key)).toBeNull();
      expect((await gone.json('/api/saved-searches')).body.savedSearches).toEqual([]);
      expect((await gone.json('/api/favourites')).body.favourites).toEqual([]);
      expect(await alertsOf(gone)).toEqual([]);
      // Its search no longer matches: a new home alerts the renter who stayed, and nobody else.
      await post('anon-2', 40.76);
      await until(async () => (await alertsOf(kept)).length === 2);
      expect(await alertsOf(gone)).toEqual([]);
      expect(await forgetAbandoned(fresh.accounts, fresh.alerts, (id) => fresh.engine.removeSearch(id))).toBe(0);
    } finally {
      await fresh.close();
    }
  });
});
