/**
 * Alerts by email end to end (issue 29, CONTRACT.md "Alert channels"): a renter signs in by
 * the mailed link, chooses email on a saved search and a favourite, listings change, and the
 * mails arrive at an SMTP server of the test's own — which is stopped and restarted while
 * changes keep coming: every home mailed exactly once (by Message-ID and by content).
 * Anonymous + email is a 422 naming channels; a city-wide search gets the digest with
 * emailNote 'too_wide'; the one-click unsubscribe works with no cookie.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoostServer } from '../server/app-server';
import { BrowserSession } from './helpers/browser-session';
import { listUnsubscribe, MailServer, tokenIn, type ReceivedMail } from './helpers/mail-server';
import { freePort } from './helpers/tcp-proxy';
import { startApi, tempDir } from './helpers/roost';

const TOKEN = 'alert-mail-test-admin-token-0123456789abcdef';
/** Far from the demo city: only the test's own homes are here. */
const LONDON = [-0.2, 51.45, -0.05, 51.55];
const CITY = [-74.3, 40.45, -73.65, 40.95];
const at = (i: number) => ({ lat: 51.47 + (i % 50) * 0.001, lon: -0.15 + Math.floor(i / 50) * 0.001 });

describe('alert mail, end to end on one node', () => {
  let mail: MailServer;
  let api: RoostServer & { url: string };
  const write = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return res;
  };
  const addHome = (id: string, i: number, extra: Record<string, unknown> = {}) =>
    write('POST', '/api/listings', { id, title: `Flat ${id}`, ...at(i), price: 2000 + i, type: 'entire', district: 'London', neighbourhood: 'Soho', ...extra });

  async function signIn(b: BrowserSession, email: string, lang: 'en' | 'zh' = 'en'): Promise<void> {
    const before = mail.to(email).length;
    expect((await b.api('/api/auth/email', { method: 'POST', body: { email } })).status).toBe(202);
    const token = tokenIn(await mail.nth(email, before + 1));
    expect((await b.json('/api/auth/email/verify', { method: 'POST', body: { token }, headers: { 'accept-language': lang === 'zh' ? 'zh-CN' : 'en-GB' } })).status).toBe(200);
  }
  const alertMails = (email: string): ReceivedMail[] => mail.to(email).filter((m) => listUnsubscribe(m).url !== '');
  async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    mail = await MailServer.start();
    const port = await freePort();
    api = await startApi(tempDir('alert-mail'), {
      PORT: String(port),
      ADMIN_TOKEN: TOKEN,
      SMTP_URL: mail.url,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DEMO_LISTINGS: '1000',
      ALERT_MAILS_PER_HOUR: '1000',
    });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await mail?.stop();
  });

  it('email needs a signed-in account: 422 naming channels, for a saved search and a favourite', async () => {
    const anon = new BrowserSession(api.url);
    const r = await anon.json('/api/saved-searches', { method: 'POST', body: { name: 'London', bbox: LONDON, channels: ['page', 'email'] } });
    expect(r.status).toBe(422);
    expect(r.body.error.field).toBe('channels');
    await addHome('anon-fav', 0);
    const f = await anon.json('/api/favourites/anon-fav', { method: 'PUT', body: { channels: ['email'] } });
    expect(f.status).toBe(422);
    expect(f.body.error.field).toBe('channels');
    // Push and the page are fine without an account.
    const ok = await anon.json('/api/saved-searches', { method: 'POST', body: { name: 'London', bbox: LONDON, channels: ['page', 'push'] } });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ channels: ['page', 'push'], frequency: 'instant' });
    expect((await anon.json('/api/saved-searches', { method: 'POST', body: { name: 'x', bbox: LONDON, channels: ['fax'] } })).body.error.field).toBe('channels.0');
    expect((await anon.json('/api/saved-searches', { method: 'POST', body: { name: 'x', bbox: LONDON, channels: [] } })).status).toBe(400);
  });

  it('a city-wide search gets the daily digest and says too_wide; a narrow one stays instant', async () => {
    const b = new BrowserSession(api.url);
    await signIn(b, 'wide@example.com');
    const wide = await b.json('/api/saved-searches', { method: 'POST', body: { name: 'All of New York', bbox: CITY, channels: ['page', 'email'], frequency: 'instant' } });
    expect(wide.status).toBe(201);
    expect(wide.body).toMatchObject({ channels: ['page', 'email'], frequency: 'daily', emailNote: 'too_wide' });
    const listed = (await b.json('/api/saved-searches')).body.savedSearches;
    expect(listed[0]).toMatchObject({ frequency: 'daily', emailNote: 'too_wide' });
    // Renamed: the plan is kept; narrowed to page only: the note goes.
    expect((await b.json(`/api/saved-searches/${wide.body.id}`, { method: 'PATCH', body: { name: 'NYC' } })).body).toMatchObject({ frequency: 'daily', emailNote: 'too_wide' });
    const paged = await b.json(`/api/saved-searches/${wide.body.id}`, { method: 'PATCH', body: { channels: ['page'] } });
    expect(paged.body.emailNote).toBeUndefined();
    const narrow = await b.json('/api/saved-searches', { method: 'POST', body: { name: 'Soho', bbox: LONDON, channels: ['email'] } });
    expect(narrow.body).toMatchObject({ channels: ['email'], frequency: 'instant' });
    expect(narrow.body.emailNote).toBeUndefined();
  });

  it('the SMTP server stopped and restarted mid-stream: every home mailed exactly once, grouped, by Message-ID and by content; unsubscribe with no cookie', async () => {
    const b = new BrowserSession(api.url);
    await signIn(b, 'ann@example.com');
    const s = await b.json('/api/saved-searches', { method: 'POST', body: { name: 'Soho <flats>', bbox: LONDON, channels: ['page', 'email'], notify: ['new'] } });
    expect(s.status).toBe(201);
    const ids = Array.from({ length: 24 }, (_, i) => `ann-${i}`);
    // Three homes at once: one mail.
    await Promise.all(ids.slice(0, 3).map((id, i) => addHome(id, 10 + i)));
    await until('the first mail', () => alertMails('ann@example.com').length >= 1);
    expect(alertMails('ann@example.com')[0]!.subject).toBe('3 updates in “Soho <flats>”');
    // The mail server goes down while homes keep coming, and comes back.
    let i = 3;
    const stream = (async () => {
      for (; i < ids.length; i++) {
        await addHome(ids[i]!, 10 + i);
        await new Promise((r) => setTimeout(r, 120));
      }
    })();
    await new Promise((r) => setTimeout(r, 600));
    const stopping = mail.stop();
    await new Promise((r) => setTimeout(r, 1_500));
    await mail.restart();
    await stream;
    await stopping;
    const mailed = () => alertMails('ann@example.com').flatMap((m) => [...m.text.matchAll(/\/listings\/(ann-\d+)/g)].map((x) => x[1]!));
    await until('every home mailed', () => new Set(mailed()).size === ids.length, 40_000);
    await new Promise((r) => setTimeout(r, 2_500)); // anything twice would arrive by now
    const all = mailed();
    expect(all.sort()).toEqual([...ids].sort());
    const messageIds = alertMails('ann@example.com').map((m) => String(m.headers.get('message-id')));
    expect(new Set(messageIds).size).toBe(messageIds.length);
    expect(alertMails('ann@example.com').length).toBeLessThan(ids.length); // grouped

    // One-click unsubscribe as a mail client sends it: no cookie, no Origin.
    const url = listUnsubscribe(alertMails('ann@example.com')[0]!).url;
    expect(url.startsWith(`${api.url}/api/unsubscribe?token=`)).toBe(true);
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(r.status).toBe(200);
    expect((await b.json('/api/saved-searches')).body.savedSearches.find((x: { id: string }) => x.id === s.body.id).channels).toEqual(['page']);
    expect((await fetch(url.replace(/token=.{6}/, 'token=AAAAAA'), { method: 'POST' })).status).toBe(400);
    const count = alertMails('ann@example.com').length;
    await addHome('ann-after', 90);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(alertMails('ann@example.com').length).toBe(count);
  }, 90_000);

  it('a favourite with email: PATCH sets it, a drop mails old → new in the renter\'s language, once', async () => {
    const b = new BrowserSession(api.url);
    await signIn(b, 'zhang@example.com', 'zh');
    await addHome('fav-zh', 120, { price: 3000 });
    expect((await b.api('/api/favourites/fav-zh', { method: 'PUT' })).status).toBe(204);
    const p = await b.json('/api/favourites/fav-zh', { method: 'PATCH', body: { channels: ['page', 'email'] }, headers: { cookie: `${b.cookie}; roost-locale=zh` } });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ channels: ['page', 'email'], frequency: 'instant', priceWhenSaved: 3000 });
    expect((await b.json('/api/favourites')).body.favourites[0]).toMatchObject({ channels: ['page', 'email'] });
    await write('PATCH', '/api/listings/fav-zh', { price: 2500 });
    await until('the drop mail', () => alertMails('zhang@example.com').length >= 1);
    const m = alertMails('zhang@example.com')[0]!;
    expect(m.subject).toContain('降价');
    expect(m.text).toContain('US$3,000/月 → US$2,500/月');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(alertMails('zhang@example.com')).toHaveLength(1);
  }, 30_000);
});
