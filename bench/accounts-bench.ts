/**
 * Issue 26's figures, on the built server as `npm start` runs it (its own process) with a
 * real SMTP server of the bench's own (smtp-server, in this process):
 * - sign-in request → mail handed to SMTP (the request's send to the mail's last byte
 *   accepted), one sign-in at a time and 20 at once;
 * - GET /api/me for a signed-in browser, one at a time and 16 at once;
 * - a 4,000×3,000 phone JPEG uploaded → every size stored and served (upload start to the
 *   last of the three widths read);
 * - a photo served from the node's cache.
 *
 *   npm run bench:accounts [-- --signins 300 --me 3000 --photos 10]
 */
import os from 'node:os';
import sharp from 'sharp';
import { MailServer, tokenIn } from '../test/helpers/mail-server';
import { tempDir } from '../test/helpers/roost';
import { freePort } from '../test/helpers/tcp-proxy';
import { startServer } from './server-process';
import { fmt, percentiles } from './stats';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const SIGNINS = arg('signins', 300);
const ME = arg('me', 3000);
const PHOTOS = arg('photos', 10);

process.env.ROOST_TEST_TMP ??= os.tmpdir();
const mail = await MailServer.start();
const port = await freePort();
const site = `http://127.0.0.1:${port}`;
const { child, base } = await startServer(tempDir('bench-accounts'), { PORT: String(port), SMTP_URL: mail.url, PUBLIC_URL: site });
const headers = (cookie = '') => ({ origin: site, 'content-type': 'application/json', ...(cookie ? { cookie } : {}) });
const line = (label: string, ms: number[]) => {
  const p = percentiles(ms);
  console.log(`${label.padEnd(52)} p50 ${fmt(p.p50).padStart(7)}  p95 ${fmt(p.p95).padStart(7)}  p99 ${fmt(p.p99).padStart(7)}  max ${fmt(Math.max(...ms)).padStart(7)} ms  (n ${p.n})`);
};

/** One sign-in mail: POST /api/auth/email → the SMTP server has the whole mail. */
async function signInMail(email: string): Promise<number> {
  const before = mail.to(email).length;
  // The mail server stamps a mail with Date.now() when its last byte is in: the same clock.
  const t = Date.now();
  const res = await fetch(`${base}/api/auth/email`, { method: 'POST', headers: headers(), body: JSON.stringify({ email }) });
  if (res.status !== 202) throw new Error(`sign-in: HTTP ${res.status}`);
  await res.arrayBuffer();
  const got = await mail.nth(email, before + 1, 30_000);
  return got.at - t;
}

console.log(`Roost accounts bench: ${os.cpus().length} × ${os.cpus()[0]?.model}, node ${process.version}, ${new Date().toISOString()}`);
// Warm-up: code paths, the SMTP pool's connections.
for (let i = 0; i < 20; i++) await signInMail(`warm-${i}@example.com`);

const serial: number[] = [];
for (let i = 0; i < SIGNINS; i++) serial.push(await signInMail(`serial-${i}@example.com`));
line('sign-in → mail handed to SMTP, one at a time', serial);
const burst: number[] = [];
for (let round = 0; round < Math.ceil(SIGNINS / 20); round++) {
  burst.push(...(await Promise.all(Array.from({ length: 20 }, (_, i) => signInMail(`burst-${round}-${i}@example.com`)))));
}
line('sign-in → mail handed to SMTP, 20 at once', burst);

// A signed-in browser.
await signInMail('me@example.com');
// Not the browser that asked (no cookie here): the address the link was mailed to goes with it.
const verify = await fetch(`${base}/api/auth/email/verify`, { method: 'POST', headers: headers(), body: JSON.stringify({ token: tokenIn((await mail.nth('me@example.com'))!), email: 'me@example.com' }) });
const cookie = /roost_session=[^;]+/.exec(verify.headers.get('set-cookie') ?? '')![0];
const me = async () => {
  const t = performance.now();
  const res = await fetch(`${base}/api/me`, { headers: { cookie } });
  const body = (await res.json()) as { account: { email: string } | null };
  if (body.account?.email !== 'me@example.com') throw new Error('not signed in');
  return performance.now() - t;
};
for (let i = 0; i < 200; i++) await me();
const meSerial: number[] = [];
for (let i = 0; i < ME; i++) meSerial.push(await me());
line('GET /api/me, one at a time', meSerial);
const meParallel: number[] = [];
for (let i = 0; i < ME / 16; i++) meParallel.push(...(await Promise.all(Array.from({ length: 16 }, me))));
line('GET /api/me, 16 at once', meParallel);

// A host's listing and phone photos (each distinct: the same bytes would be stored once).
const listing = (await (await fetch(`${base}/api/listings`, { method: 'POST', headers: headers(cookie), body: JSON.stringify({ title: 'Bench loft', lat: 40.7, lon: -73.95, price: 2000, type: 'entire' }) })).json()) as { id: string };
const uploads: number[] = [];
let last = '';
for (let i = 0; i < PHOTOS; i++) {
  // Gaussian noise under the shapes: a file the size of a phone's (about 4 MB), not a flat colour that compresses to nothing.
  const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 15 } } })
    .composite([{ input: Buffer.from(`<svg width="4000" height="3000"><circle cx="${1000 + i * 200}" cy="1500" r="900" fill="#224466"/><rect x="2500" y="300" width="1200" height="2400" fill="#ddaa33"/></svg>`) }])
    .jpeg({ quality: 88 })
    .withExif({ IFD0: { Make: 'BenchCam' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 42/1 0/1' } })
    .toBuffer();
  const t = performance.now();
  const up = await fetch(`${base}/api/listings/${listing.id}/photos`, { method: 'POST', headers: { ...headers(cookie), 'content-type': 'image/jpeg' }, body: new Uint8Array(photo) });
  if (up.status !== 201) throw new Error(`upload: HTTP ${up.status} ${await up.text()}`);
  const { url } = (await up.json()) as { url: string };
  for (const w of [400, 800, 1600]) {
    const res = await fetch(`${base}${url}?w=${w}`);
    if (res.status !== 200) throw new Error(`photo ${w}: HTTP ${res.status}`);
    await res.arrayBuffer();
  }
  uploads.push(performance.now() - t);
  if (i === 0) console.log(`  (a ${(photo.length / 1024 / 1024).toFixed(1)} MB 4000×3000 JPEG)`);
  last = url;
  // Photos are appended to the listing: keep it under its 20.
  if (i % 15 === 14) await fetch(`${base}/api/listings/${listing.id}`, { method: 'PATCH', headers: headers(cookie), body: JSON.stringify({ photos: [] }) });
}
line('4000×3000 JPEG upload → all sizes stored and served', uploads);
const cached: number[] = [];
for (let i = 0; i < 2000; i++) {
  const t = performance.now();
  const res = await fetch(`${base}${last}?w=${[400, 800, 1600][i % 3]}`);
  await res.arrayBuffer();
  cached.push(performance.now() - t);
}
line('a photo served from the cache (400/800/1600 in turn)', cached);

child.kill('SIGTERM');
await mail.stop();
process.exit(0);
