/**
 * npm run bench:ui [-- --listings N --moves M]
 *
 * The map page in headless Chromium against a production build over N demo listings
 * (default 1,000,000): time to the first bubbles after navigation, time from the end of
 * a pan or zoom to the new bubbles or pins ('roost-move' → 'roost-render' user timings),
 * and the gzipped JavaScript the page loads.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { chromium } from '@playwright/test';
import { demoCity } from '../server/demo/demo-city';
import { SqliteStore } from '../server/engine/embedded/sqlite-store';
import { startServer } from './server-process';
import { fmt, percentiles } from './stats';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    listings: { type: 'string', default: '1000000' },
    moves: { type: 'string', default: '120' },
    loads: { type: 'string', default: '12' },
  },
});
const N = Number(args.listings);
const line = (s = '') => process.stdout.write(`${s}\n`);

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-ui-bench-'));
  line(`# Roost map page benchmark — ${N.toLocaleString('en-US')} listings`);
  line(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, Chromium headless`);
  let t = performance.now();
  const store = new SqliteStore(dataDir);
  let batch = [];
  for (const r of demoCity(N)) {
    batch.push(r);
    if (batch.length === 10_000) {
      store.upsertMany(batch);
      batch = [];
    }
  }
  if (batch.length) store.upsertMany(batch);
  store.close();
  line(`store filled in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const build = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`next build failed: ${build.stderr}`);
  const { child: server, base } = await startServer(dataDir);

  const browser = await chromium.launch({
    ...(fs.existsSync('/usr/bin/chromium') ? { executablePath: '/usr/bin/chromium' } : {}),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    // 1. First bubbles after navigation, a fresh browser context (cold cache) each time.
    const firsts: number[] = [];
    let jsGzip = 0;
    let jsFiles = 0;
    for (let i = 0; i < Number(args.loads); i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (r) => r.fulfill({ status: 204, body: '' }));
      await page.addInitScript(() => {
        new MutationObserver((_, obs) => {
          if (document.querySelector('.bubble')) {
            (window as unknown as { firstBubble: number }).firstBubble = performance.now();
            obs.disconnect();
          }
        }).observe(document, { childList: true, subtree: true });
      });
      const scripts: Promise<number>[] = [];
      if (i === 0) {
        page.on('response', (res) => {
          if (res.request().resourceType() === 'script') scripts.push(res.body().then((b) => zlib.gzipSync(b).length));
        });
      }
      await page.goto(base);
      await page.waitForFunction(() => (window as unknown as { firstBubble?: number }).firstBubble !== undefined);
      firsts.push(await page.evaluate(() => (window as unknown as { firstBubble: number }).firstBubble));
      if (i === 0) {
        await page.waitForLoadState('load');
        await page.waitForTimeout(1_500);
        const sizes = await Promise.all(scripts);
        jsFiles = sizes.length;
        jsGzip = sizes.reduce((a, b) => a + b, 0);
      }
      await context.close();
    }
    const first = percentiles(firsts);
    line();
    line('| measure | p50 | p95 | max | runs |');
    line('| --- | --- | --- | --- | --- |');
    line(`| first bubbles after navigation (ms, cold browser cache) | ${fmt(first.p50)} | ${fmt(first.p95)} | ${fmt(Math.max(...firsts))} | ${first.n} |`);

    // 2. Pans and zooms with the keyboard, as a renter would; wait for each render.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.route(/^https?:\/\/(?!127\.0\.0\.1)/, (r) => r.fulfill({ status: 204, body: '' }));
    await page.goto(`${base}/?lat=40.73&lon=-73.97&zoom=11`);
    await page.waitForSelector('.bubble');
    await page.locator('.map-canvas').focus();
    const keys = ['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp', '+', 'ArrowRight', 'ArrowDown', '+', 'ArrowLeft', '-'];
    const deltas: number[] = [];
    const byZoom = new Map<number, number[]>();
    for (let i = 0; i < Number(args.moves); i++) {
      const key = keys[i % keys.length]!;
      const zoomBefore = Number(new URL(page.url()).searchParams.get('zoom'));
      // Keep between the district and street levels.
      const k = key === '+' && zoomBefore >= 17 ? '-' : key === '-' && zoomBefore <= 10 ? '+' : key;
      await page.evaluate(() => performance.clearMarks());
      await page.keyboard.press(k);
      const delta = await page.waitForFunction(
        () => {
          const move = performance.getEntriesByName('roost-move').at(-1);
          const render = performance.getEntriesByName('roost-render').at(-1);
          return move && render && render.startTime > move.startTime ? render.startTime - move.startTime : false;
        },
        undefined,
        { timeout: 10_000 },
      );
      const ms = (await delta.jsonValue()) as number;
      deltas.push(ms);
      const zoom = Number(new URL(page.url()).searchParams.get('zoom'));
      byZoom.set(zoom, [...(byZoom.get(zoom) ?? []), ms]);
      await page.waitForTimeout(150);
    }
    const moves = percentiles(deltas);
    line(`| move end → new bubbles or pins (ms, keyboard pans and zooms, zooms 10–17) | ${fmt(moves.p50)} | ${fmt(moves.p95)} | ${fmt(Math.max(...deltas))} | ${moves.n} |`);
    line();
    line('per zoom (p50 / p95 ms, runs): ' + [...byZoom].sort((a, b) => a[0] - b[0]).map(([z, v]) => `z${z} ${fmt(percentiles(v).p50)} / ${fmt(percentiles(v).p95)} (${v.length})`).join(', '));
    line();
    line(`JavaScript for / : ${(jsGzip / 1024).toFixed(0)} KB gzipped in ${jsFiles} files (every script the page loaded, gzip -6 of each)`);
  } finally {
    await browser.close();
    server.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`ui bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
