/**
 * `npm start` as a process manager runs it: plain node in the foreground (the bundle
 * `npm run build` made; no transpiling at start), so the SIGTERM sent to the `npm start`
 * process reaches the server, which drains — sockets closed with 1001, the port
 * released — and exits 0, leaving nothing listening behind it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { demoCity } from '../server/demo/demo-city';
import { SqliteStore } from '../server/engine/embedded/sqlite-store';
import { LiveClient } from './helpers/live-client';
import { ROOT, tempDir, UNLIMITED } from './helpers/roost';
import { accepts, freePort } from './helpers/tcp-proxy';

/** Starts `npm start` on a DATA_DIR and waits for /readyz 200; its output is collected. */
async function npmStart(dataDir: string) {
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, DEMO_LISTINGS: '0', ...UNLIMITED },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { text: '' };
  npm.stderr!.on('data', (d: Buffer) => (out.text += d.toString()));
  npm.stdout!.on('data', (d: Buffer) => (out.text += d.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  // A fresh clone builds the pages on its first start.
  for (const until = Date.now() + 300_000; ; ) {
    if (npm.exitCode !== null) throw new Error(`npm start exited ${npm.exitCode}: ${out.text}`);
    if (Date.now() > until) throw new Error(`not ready: ${out.text}`);
    try {
      const ready = await fetch(`${base}/readyz`);
      if (ready.ok) return { npm, port, base, out, exited, ready: (await ready.json()) as { engine: string } };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('a store large enough to be read on a worker thread starts from the bundle with every listing', async () => {
  const dataDir = tempDir('npm-start-large');
  const store = new SqliteStore(dataDir);
  const n = 80_000;
  store.upsertMany([...demoCity(n, 11)]);
  store.close();
  // Over WORKER_SNAPSHOT_BYTES (sqlite-listing-store.ts): the bundled worker reads it.
  expect(fs.statSync(`${dataDir}/roost.db`).size).toBeGreaterThan(32 * 1024 * 1024);
  const started = await npmStart(dataDir);
  expect(started.ready.engine).toContain(`${n} listings`);
  started.npm.kill('SIGTERM');
  expect(await started.exited).toBe(0);
}, 360_000);

it('SIGTERM to the npm start process reaches the server: it drains, closes sockets with 1001 and exits 0', async () => {
  const { npm, port, base, out, exited } = await npmStart(tempDir('npm-start'));
  const socket = await LiveClient.connect(base);
  const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));
  npm.kill('SIGTERM');
  expect(await closed).toBe(1001);
  expect(await exited).toBe(0);
  expect(out.text).toMatch(/shutting down/);
  expect(await accepts(port)).toBe(false);
}, 360_000);
