/**
 * `npm start` as a process manager runs it: plain node in the foreground (the bundle
 * `npm run build` made; no transpiling at start), so the SIGTERM sent to the `npm start`
 * process reaches the server, which drains — sockets closed with 1001, the port
 * released — and exits 0, leaving nothing listening behind it.
 */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { LiveClient } from './helpers/live-client';
import { ROOT, tempDir, UNLIMITED } from './helpers/roost';
import { accepts, freePort } from './helpers/tcp-proxy';

it('SIGTERM to the npm start process reaches the server: it drains, closes sockets with 1001 and exits 0', async () => {
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tempDir('npm-start'), DEMO_LISTINGS: '0', ...UNLIMITED },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  npm.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  npm.stdout!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  // A fresh clone builds the pages on its first start.
  for (const until = Date.now() + 300_000; ; ) {
    if (npm.exitCode !== null) throw new Error(`npm start exited ${npm.exitCode}: ${err}`);
    if (Date.now() > until) throw new Error(`not ready: ${err}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const socket = await LiveClient.connect(base);
  const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));
  npm.kill('SIGTERM');
  expect(await closed).toBe(1001);
  expect(await exited).toBe(0);
  expect(err).toMatch(/shutting down/);
  expect(await accepts(port)).toBe(false);
}, 360_000);
