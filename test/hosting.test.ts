/**
 * Hosts list their own homes with photos (CONTRACT.md "Host listings and photos"): the
 * listing names its host, only its host (or the operator's token) changes it, and a
 * photo — a real phone-sized JPEG carrying EXIF GPS — is re-encoded, stored in the record,
 * served from our own origin at each width with no metadata left.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserSession } from './helpers/browser-session';
import { MailServer, tokenIn } from './helpers/mail-server';
import { startApi, tempDir } from './helpers/roost';
import { freePort } from './helpers/tcp-proxy';
import type { RoostServer } from '../server/app-server';

const TOKEN = 'hosting-test-admin-token-0123456789abcdef';
const flat = { title: 'Garden flat', description: 'Quiet, sunny.', lat: 40.69, lon: -73.97, price: 2400, currency: 'USD', pricePer: 'month', type: 'entire', bedrooms: 1 };

/** A 4000×3000 JPEG as a phone writes it: camera make and model, and the home's GPS position. */
async function phonePhoto(width = 4000, height = 3000): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 180, g: 120, b: 60 } } })
    .composite([{ input: Buffer.from(`<svg width="${width}" height="${height}"><circle cx="${width / 2}" cy="${height / 2}" r="${height / 3}" fill="#3366aa"/></svg>`) }])
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { Make: 'RoostCam', Model: 'Phone 9 Pro' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 41/1 24/1', GPSLongitudeRef: 'W', GPSLongitude: '73/1 58/1 12/1' } })
    .toBuffer();
}

describe('hosts and photos', () => {
  let mail: MailServer;
  let api: RoostServer & { url: string };
  let host: BrowserSession;
  let other: BrowserSession;

  async function signIn(b: BrowserSession, email: string) {
    await b.api('/api/auth/email', { method: 'POST', body: { email } });
    const token = tokenIn(await mail.nth(email));
    expect((await b.api('/api/auth/email/verify', { method: 'POST', body: { token } })).status).toBe(200);
  }

  beforeAll(async () => {
    mail = await MailServer.start();
    const port = await freePort();
    api = await startApi(tempDir('hosting'), { PORT: String(port), ADMIN_TOKEN: TOKEN, SMTP_URL: mail.url, PUBLIC_URL: `http://127.0.0.1:${port}` });
    host = new BrowserSession(api.url);
    other = new BrowserSession(api.url);
    await signIn(host, 'host@example.com');
    await signIn(other, 'other@example.com');
    await host.api('/api/me', { method: 'PATCH', body: { name: 'Hana' } });
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await mail?.stop();
  });

  it('a signed-in account lists a home, which names its host; only the host or the token changes it', async () => {
    const created = await host.json('/api/listings', { method: 'POST', body: flat });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await host.json(`/api/listings/${id}`)).body.host).toEqual({ id: (await host.json('/api/me')).body.account.id, name: 'Hana' });
    expect((await host.json('/api/me')).body.account.host).toBe(true);
    expect((await host.json('/api/me/listings')).body.listings.map((l: { id: string }) => l.id)).toEqual([id]);
    expect((await other.json('/api/me/listings')).body.listings).toEqual([]);

    expect((await host.json(`/api/listings/${id}`, { method: 'PATCH', body: { price: 2300 } })).body.price).toBe(2300);
    const theirs = await other.json(`/api/listings/${id}`, { method: 'PATCH', body: { price: 1 } });
    expect(theirs.status).toBe(403);
    expect(theirs.body.error.code).toBe('forbidden');
    expect((await other.api(`/api/listings/${id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await new BrowserSession(api.url).api(`/api/listings/${id}`, { method: 'PATCH', body: { price: 1 } })).status).toBe(401);
    // A host does not pick ids: naming another's listing would replace it.
    const named = await host.json('/api/listings', { method: 'POST', body: { ...flat, id: 'someone-elses' } });
    expect([named.status, named.body.error.field]).toEqual([400, 'id']);
    // The operator's token writes any listing.
    const admin = await fetch(`${api.url}/api/listings/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Garden flat (checked)' }) });
    expect(admin.status).toBe(200);
    expect((await host.json(`/api/listings/${id}`)).body).toMatchObject({ title: 'Garden flat (checked)', price: 2300, host: { name: 'Hana' } });
    // Taken down by its host.
    expect((await host.api(`/api/listings/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await host.json(`/api/listings/${id}`)).status).toBe(404);
    expect((await host.json('/api/me/listings')).body.listings).toEqual([]);
  });

  it('a phone photo: re-encoded at every width with its GPS and camera gone, stored, served from our origin with a year of cache', async () => {
    const id = (await host.json('/api/listings', { method: 'POST', body: flat })).body.id as string;
    const original = await phonePhoto();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    expect(original.includes(Buffer.from('RoostCam'))).toBe(true);
    const up = await host.json(`/api/listings/${id}/photos`, { method: 'POST', raw: original, headers: { 'content-type': 'image/jpeg' } });
    expect(up.status).toBe(201);
    const url = up.body.url as string;
    expect(url).toMatch(/^\/photos\/[0-9a-f]{64}$/);
    expect((await host.json(`/api/listings/${id}`)).body.photos).toEqual([url]);
    for (const w of [400, 800, 1600]) {
      const res = await fetch(`${api.url}${url}?w=${w}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
      expect(res.headers.get('cache-control')).toContain('immutable');
      const bytes = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['webp', w, (w * 3) / 4]);
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(bytes.includes(Buffer.from('RoostCam'))).toBe(false);
      const again = await fetch(`${api.url}${url}?w=${w}`, { headers: { 'if-none-match': res.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
    expect((await fetch(`${api.url}${url}`)).status).toBe(200);
    expect((await fetch(`${api.url}${url}?w=123`)).status).toBe(400);
    expect((await fetch(`${api.url}/photos/${'0'.repeat(64)}`)).status).toBe(404);
    // The same photo again: one more entry, the same stored bytes.
    const second = await host.json(`/api/listings/${id}/photos`, { method: 'POST', raw: original, headers: { 'content-type': 'image/jpeg' } });
    expect(second.body.url).toBe(url);
  });

  it('refuses what is not a photo (415), too large (413), and another account\'s listing (403)', async () => {
    const id = (await host.json('/api/listings', { method: 'POST', body: flat })).body.id as string;
    const notImage = await host.json(`/api/listings/${id}/photos`, { method: 'POST', raw: Buffer.from('<html>not a photo</html>'), headers: { 'content-type': 'image/jpeg' } });
    expect(notImage.status).toBe(415);
    const gif = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } }).gif().toBuffer();
    expect((await host.json(`/api/listings/${id}/photos`, { method: 'POST', raw: gif, headers: { 'content-type': 'image/jpeg' } })).status).toBe(415);
    expect((await host.json(`/api/listings/${id}/photos`, { method: 'POST', raw: Buffer.from('x'), headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    const big = Buffer.alloc(10 * 1024 * 1024 + 1, 1);
    expect((await host.json(`/api/listings/${id}/photos`, { method: 'POST', raw: big, headers: { 'content-type': 'image/jpeg' } })).status).toBe(413);
    const theirs = await other.json(`/api/listings/${id}/photos`, { method: 'POST', raw: await phonePhoto(40, 30), headers: { 'content-type': 'image/jpeg' } });
    expect(theirs.status).toBe(403);
    const forged = new BrowserSession(api.url, 'https://evil.example');
    forged.cookie = host.cookie;
    expect((await forged.json(`/api/listings/${id}/photos`, { method: 'POST', raw: await phonePhoto(40, 30), headers: { 'content-type': 'image/jpeg' } })).status).toBe(403);
    expect((await host.json(`/api/listings/${id}`)).body.photos).toBeUndefined();
    // The server is whole after all of it.
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
  });
});
