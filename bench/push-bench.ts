/**
 * npm run bench:push [-- --watchers 10000 --rate 100 --seconds 30 --burst 3000]
 *
 * Live push at scale on this machine: our own redis-server, three Roost nodes sharing a
 * DATA_DIR, W watchers spread over them (each watching one zoom-14 tile around a demo
 * listing), then a stream of writes through the API. Steady phase: `rate` writes a
 * second for `seconds`, timing write-to-watcher latency (from sending the POST to the
 * frame arriving) and counting what was lost. Burst phase: `burst` writes as fast as
 * they are accepted, for delivered messages a second. Then the same watchers and writes
 * through Socket.IO with @socket.io/redis-adapter (a room per tile), and the ratios.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { geotileKey, snapBbox } from '../server/core/geotile';
import { demoCity } from '../server/demo/demo-city';
import { NodeProcess } from '../test/helpers/node-process';
import { RedisServer } from '../test/helpers/redis-server';
import { freePort } from '../test/helpers/tcp-proxy';
import { BASELINE_TILE_ZOOM } from './push-tiles';
import { fmt, percentiles } from './stats';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    watchers: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '30' },
    burst: { type: 'string', default: '3000' },
  },
});
const W = Number(args.watchers);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const BURST = Number(args.burst);
const NODES = 3;
const TOKEN = 'bench-token';
/** Writes in flight at once during the burst. */
const BURST_CONCURRENCY = 32;

const line = (s = '') => process.stdout.write(`${s}\n`);
const row = (cells: (string | number)[]) => line(`| ${cells.join(' | ')} |`);

interface Point {
  lat: number;
  lon: number;
}

/** What one system does for the bench: connect a watcher, post a write, stop. */
interface System {
  name: string;
  nodes: string[];
  pids: number[];
  connect(node: string, tile: string, onListing: (id: string) => void): Promise<{ close(): void }>;
  write(node: string, id: string, at: Point): Promise<void>;
  stop(): Promise<void>;
}

function tileBbox(tile: string): [number, number, number, number] {
  const [z, x, y] = tile.split('/').map(Number) as [number, number, number];
  const lon = (x / 2 ** z) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (y + 0.5)) / 2 ** z))) * 180) / Math.PI;
  // The tile itself: a point inside it snapped outward to its edges.
  return snapBbox([lon + 1e-9, lat, lon + 1e-9, lat], z);
}

async function roost(dataDir: string, redisUrl: string): Promise<System> {
  const nodes: NodeProcess[] = [];
  for (let i = 0; i < NODES; i++) nodes.push(await NodeProcess.start({ DATA_DIR: dataDir, REDIS_URL: redisUrl, ADMIN_TOKEN: TOKEN }));
  return {
    name: 'Roost (ws + Redis doorbell + SQLite log)',
    nodes: nodes.map((n) => n.url),
    pids: nodes.map((n) => n.child.pid!),
    async connect(node, tile, onListing) {
      const ws = new WebSocket(`${node.replace(/^http/, 'ws')}/ws`, { perMessageDeflate: false });
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.on('message', (data) => onListing((JSON.parse(data.toString()) as { listing: { id: string } }).listing.id));
      ws.send(JSON.stringify({ type: 'watch', bbox: tileBbox(tile), filters: {} }));
      return { close: () => ws.terminate() };
    },
    async write(node, id, at) {
      const res = await fetch(`${node}/api/listings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, title: `Bench ${id}`, ...at, price: 2000, type: 'entire', district: 'D', neighbourhood: 'N' }),
      });
      if (res.status !== 201) throw new Error(`POST answered ${res.status}`);
    },
    async stop() {
      for (const n of nodes) await n.kill('SIGTERM');
    },
  };
}

async function socketIo(redisUrl: string): Promise<System> {
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  for (let i = 0; i < NODES; i++) {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'socketio-node.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), REDIS_URL: redisUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    children.push(child);
    urls.push(`http://127.0.0.1:${port}`);
  }
  return {
    name: 'Socket.IO + @socket.io/redis-adapter',
    nodes: urls,
    pids: children.map((c) => c.pid!),
    async connect(node, tile, onListing) {
      const socket: Socket = ioClient(node, { transports: ['websocket'], forceNew: true, reconnection: false });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      socket.on('listing', (m: { listing: { id: string } }) => onListing(m.listing.id));
      socket.emit('watch', tile);
      return { close: () => socket.disconnect() };
    },
    async write(node, id, at) {
      const res = await fetch(`${node}/write`, { method: 'POST', body: JSON.stringify({ id, title: `Bench ${id}`, ...at, price: 2000 }) });
      if (res.status !== 201) throw new Error(`write answered ${res.status}`);
    },
    async stop() {
      for (const c of children) c.kill('SIGTERM');
    },
  };
}

function rssMb(pid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)![1]) / 1024;
  } catch {
    return NaN;
  }
}

interface PhaseResult {
  writes: number;
  expected: number;
  delivered: number;
  latencies: number[];
  seconds: number;
}

async function run(system: System, watcherTiles: string[], steady: Point[], burst: Point[]): Promise<{ steady: PhaseResult; burst: PhaseResult; rss: number[] }> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let lastDelivery = 0;
  const onListing = (id: string) => {
    const now = performance.now();
    delivered++;
    lastDelivery = now;
    const t0 = sentAt.get(id);
    if (t0 !== undefined) latencies.push(now - t0);
  };
  const watchersByTile = new Map<string, number>();
  for (const t of watcherTiles) watchersByTile.set(t, (watchersByTile.get(t) ?? 0) + 1);
  const clients: { close(): void }[] = [];
  const t = performance.now();
  for (let i = 0; i < watcherTiles.length; i += 250) {
    const batch = watcherTiles.slice(i, i + 250).map((tile, j) => system.connect(system.nodes[(i + j) % NODES]!, tile, onListing));
    clients.push(...(await Promise.all(batch)));
  }
  line(`${system.name}: ${clients.length} watchers connected in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await new Promise((r) => setTimeout(r, 2_000));

  const phase = async (points: Point[], tag: string, paced: boolean): Promise<PhaseResult> => {
    delivered = 0;
    latencies.length = 0;
    let expected = 0;
    const started = performance.now();
    const inFlight = new Set<Promise<void>>();
    for (const [i, at] of points.entries()) {
      if (paced) {
        const wait = started + (i * 1000) / RATE - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      } else if (inFlight.size >= BURST_CONCURRENCY) {
        await Promise.race(inFlight);
      }
      const id = `${tag}-${i}`;
      expected += watchersByTile.get(geotileKey(at.lat, at.lon, BASELINE_TILE_ZOOM)) ?? 0;
      sentAt.set(id, performance.now());
      const p = system.write(system.nodes[i % NODES]!, id, at);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await Promise.all(inFlight);
    // Stragglers: wait until nothing arrives for a second.
    for (let last = -1; last !== delivered; ) {
      last = delivered;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    return { writes: points.length, expected, delivered, latencies: [...latencies], seconds: (lastDelivery - started) / 1000 };
  };
  const steadyResult = await phase(steady, `s${Date.now()}`, true);
  const burstResult = await phase(burst, `b${Date.now()}`, false);
  const rss = system.pids.map(rssMb);
  for (const c of clients) c.close();
  await system.stop();
  return { steady: steadyResult, burst: burstResult, rss };
}

async function main(): Promise<void> {
  line(`# Live push benchmark — ${W.toLocaleString('en-US')} watchers over ${NODES} nodes`);
  line(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; nodes, Redis and the watchers share it`);
  line(`date: ${new Date().toISOString()}`);
  line();
  const city = [...demoCity(60_000, 4242)].map((r) => ({ lat: r.lat, lon: r.lon }));
  const watcherTiles = city.slice(0, W).map((p) => geotileKey(p.lat, p.lon, BASELINE_TILE_ZOOM));
  const steady = city.slice(W, W + RATE * SECONDS);
  const burst = city.slice(W + RATE * SECONDS, W + RATE * SECONDS + BURST);
  const redis = await RedisServer.start();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-push-bench-'));
  try {
    const results = [
      await run(await roost(path.join(work, 'data'), redis.url), watcherTiles, steady, burst),
      await run(await socketIo(redis.url), watcherTiles, steady, burst),
    ];
    const names = ['Roost', 'Socket.IO + redis-adapter'];
    line();
    line(`## Steady: ${RATE} writes/s for ${SECONDS} s (write sent → frame received)`);
    line();
    row(['system', 'writes', 'deliveries expected', 'delivered', 'lost', 'msgs/s', 'p50 ms', 'p95 ms', 'p99 ms', 'node RSS MB']);
    row(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---']);
    results.forEach((r, i) => {
      const p = percentiles(r.steady.latencies);
      row([names[i]!, r.steady.writes, r.steady.expected, r.steady.delivered, r.steady.expected - r.steady.delivered, Math.round(r.steady.delivered / r.steady.seconds), fmt(p.p50), fmt(p.p95), fmt(p.p99), r.rss.map((m) => m.toFixed(0)).join(' / ')]);
    });
    line();
    line(`## Burst: ${BURST} writes, ${BURST_CONCURRENCY} in flight (capacity)`);
    line();
    row(['system', 'writes', 'delivered', 'lost', 'delivered msgs/s', 'writes/s', 'p50 ms', 'p99 ms']);
    row(['---', '---', '---', '---', '---', '---', '---', '---']);
    results.forEach((r, i) => {
      const p = percentiles(r.burst.latencies);
      row([names[i]!, r.burst.writes, r.burst.delivered, r.burst.expected - r.burst.delivered, Math.round(r.burst.delivered / r.burst.seconds), Math.round(r.burst.writes / r.burst.seconds), fmt(p.p50), fmt(p.p99)]);
    });
    const [a, b] = results as [(typeof results)[0], (typeof results)[0]];
    line();
    line(`Roost / Socket.IO: burst delivered msgs/s ${((a.burst.delivered / a.burst.seconds) / (b.burst.delivered / b.burst.seconds)).toFixed(2)}×; steady p99 ${(percentiles(a.steady.latencies).p99 / percentiles(b.steady.latencies).p99).toFixed(2)}× (lower is better)`);
  } finally {
    await redis.kill();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:push failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
