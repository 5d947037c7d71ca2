#!/usr/bin/env node
/**
 * node server/cli/build.mjs [--if-needed]
 *
 * Builds what `npm start` runs: the pages (`next build`, into .next/) and the server
 * (bundled by esbuild into dist/server/, so start is plain node with nothing to
 * transpile: tsx took about 2.3 s of a 2.9 s start). `--if-needed` (what `npm start`
 * runs first) builds the pages when there is no build yet or a file they are made of (app/,
 * components/, public/, the server/ modules they import, next.config.js, package.json) is
 * newer than it — after a pull that changed the page, `npm start` (and the browser tests'
 * server, which is `npm start`) served the old one — and the server only when a source under
 * server/ or package.json is newer than the bundle, or an entry of it is missing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..', '..');
const out = path.join(root, 'dist', 'server');
const bundle = path.join(out, 'index.js');
const ifNeeded = process.argv.includes('--if-needed');

/** The newest change (mtime, ms) of the files under `dir` whose names match `files`. */
function newestSource(dir, files = /\.(ts|sql)$/) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p, files));
    else if (files.test(e.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

const buildId = path.join(root, '.next', 'BUILD_ID');
/** What the pages are made of; server/ whole, since the pages import its contract and core modules. */
const pagesChanged = () =>
  Math.max(
    ...['app', 'components', 'public'].map((d) => newestSource(path.join(root, d), /./)),
    newestSource(path.join(root, 'server'), /\.(ts|tsx)$/),
    ...['next.config.js', 'package.json', 'tsconfig.json'].map((f) => fs.statSync(path.join(root, f)).mtimeMs),
  ) > fs.statSync(buildId).mtimeMs;
const noPages = !fs.existsSync(buildId);
if (!ifNeeded || noPages || pagesChanged()) {
  if (ifNeeded) process.stderr.write(noPages ? 'build: no production build of the pages yet: running next build (once)\n' : 'build: the pages changed since their build: running next build\n');
  const next = path.join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
  const r = spawnSync(process.execPath, [next, 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The bundle's entry points: the server and the snapshot reader's worker thread.
const entryPoints = {
  index: path.join(root, 'server', 'index.ts'),
  'sqlite-snapshot-worker': path.join(root, 'server', 'engine', 'embedded', 'sqlite-snapshot-worker.ts'),
};
const missing = Object.keys(entryPoints).some((name) => !fs.existsSync(path.join(out, `${name}.js`)));
const stale = missing || Math.max(newestSource(path.join(root, 'server')), fs.statSync(path.join(root, 'package.json')).mtimeMs) > fs.statSync(bundle).mtimeMs;
if (!ifNeeded || stale) {
  const t = performance.now();
  fs.rmSync(out, { recursive: true, force: true });
  await build({
    // The snapshot reader is a worker thread's module of its own, beside the index
    // (sqlite-snapshot.ts finds it there).
    entryPoints,
    bundle: true,
    // Chunks, so a bus client imported only when its variable is set (open-bus.ts) is
    // loaded only then, not at every start.
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: out,
    sourcemap: true,
    logLevel: 'warning',
  });
  process.stderr.write(`build: server bundled into dist/server in ${Math.round(performance.now() - t)} ms\n`);
}
