/**
 * npm run bench:push [-- --watchers 10000 --rate 100 --seconds 30 --warm-up 3 --burst 3000 --inflight 32
 *                       --watcher-processes 2 --systems roost,roost-pg,socketio --bus redis|rabbitmq|rocketmq|all]
 *
 * Live push at scale on this machine: our own redis-server, three Roost nodes sharing a
 * DATA_DIR, W watchers spread over them (each watching one zoom-14 tile around a demo
 * listing) and held by a few watcher processes of their own (bench/push-watchers.ts),
 * then a stream of writes through the API from this process. Steady phase: `rate` writes
 * a second for `seconds` (after `warm-up` seconds of the same, reported apart), timing
 * write-to-watcher latency (from sending the POST to the frame arriving) and counting
 * what was lost. Burst phase: `burst` writes as fast as
 * they are accepted, for delivered messages a second. Then the same watchers and writes
 * through Socket.IO with @socket.io/redis-adapter (a room per tile), and the ratios.
 * `--bus` picks the Roost nodes' bus (a broker of our own for each: redis-server, a
 * private RabbitMQ node, `npm run rocketmq`); `all` runs them side by side. Socket.IO's
 * baseline is always on Redis, its adapter's bus.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { geotileKey, snapBbox } from '../server/core/geotile';
import { demoCity } from '../server/demo/demo-city';
import { NodeProcess } from '../test/helpers/node-process';
import { PostgresServer } from '../test/helpers/postgres-server';
import { BUS_KINDS, startBroker, type Broker, type BusKind } from '../test/helpers/brokers';
import { RedisServer } from '../test/helpers/redis-server';
import { freePort } from '../test/helpers/tcp-proxy';
import { BASELINE_TILE_ZOOM } from './push-tiles';
import { CpuAccount } from './cpu-account';
import { nodeDiagnostics } from './node-diagnostics';
import { fmt, percentiles } from './stats';
import { epochNow, WatcherPool, type SystemKind } from './push-watchers';
import { secretForTests } from '../test/helpers/roost';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    watchers: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '30' },
    burst: { type: 'string', default: '3000' },
    systems: { type: 'string', default: 'roost,socketio' },
    inflight: { type: 'string', default: '32' },
    'watcher-processes': { type: 'string', default: '2' },
    'warm-up': { type: 'string', default: '3' },
    bus: { type: 'string', default: 'redis' },
  },
});
const WATCHER_PROCESSES = Number(args['watcher-processes']);
const W = Number(args.watchers);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const WARM_UP = Number(args['warm-up']);
const BURST = Number(args.burst);
const NODES = 3;
const TOKEN = secretForTests();
/** Writes in flight at once during the burst. */
const BURST_CONCURRENCY = Number(args.inflight);

const line = (s = '') => process.stdout.write(`${s}\n`);
const row = (cells: (string | number)[]) => line(`| ${cells.join(' | ')} |`);

interface Point {
  lat: number;
  lon: number;
}

/** What one system does for the bench: its nodes, a write posted to one, stop. (Watchers connect in push-watchers.ts.) */
interface System {
  name: string;
  kind: SystemKind;
  nodes: string[];
  pids: number[];
  write(node: string, id: string, at: Point): Promise<void>;
  stop(): Promise<void>;
  /** What the nodes say of themselves (Roost: from /metrics), read after a phase. */
  diagnostics?(): Promise<string>;
}

/** A zoom-14 tile as the bbox a Roost watcher watches: a point inside it snapped outward to its edges. */
function tileBbox(tile: string): [number, number, number, number] {
  const [z, x, y] = tile.split('/').map(Number) as [number, number, number];
  const lon = (x / 2 ** z) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (y + 0.5)) / 2 ** z))) * 180) / Math.PI;
  return snapBbox([lon + 1e-9, lat, lon + 1e-9, lat], z);
}

/**
 * Roost's nodes: on one DATA_DIR (the SQLite log), or with `databaseUrl` each on a DATA_DIR
 * of its own over PostgreSQL, as separate hosts run them.
 */
async function roost(dataDir: string, broker: Broker, databaseUrl?: string): Promise<System> {
  const nodes: NodeProcess[] = [];
  for (let i = 0; i < NODES; i++) {
    const env: Record<string, string> = databaseUrl ? { DATA_DIR: `${dataDir}-${i}`, DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir };
    nodes.push(await NodeProcess.start({ ...env, ...broker.env, ADMIN_TOKEN: TOKEN }));
  }
  const urls = nodes.map((n) => n.url);
  const scraped = new Map<string, string>();
  return {
    name: databaseUrl ? `Roost on PostgreSQL (ws + ${broker.kind} doorbell + PostgreSQL log, separate DATA_DIRs)` : `Roost (ws + ${broker.kind} doorbell + SQLite log)`,
    kind: 'roost',
    nodes: urls,
    pids: nodes.map((n) => n.child.pid!),
    async write(node, id, at) {
      const res = await fetch(`${node}/api/listings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, title: `Bench ${id}`, ...at, price: 2000, type: 'entire', district: 'D', neighbourhood: 'N' }),
      });
      if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${await res.text()}`);
    },
    async stop() {
      for (const n of nodes) await n.kill('SIGTERM');
    },
    diagnostics: () => nodeDiagnostics(urls, scraped),
  };
}

/** The bench's own redis-server as a broker (Socket.IO's baseline uses it too). */
function redisBroker(redis: RedisServer): Broker {
  return { kind: 'redis', env: { REDIS_URL: redis.url }, pids: () => [redis.pid], kill: () => redis.kill(), restart: () => redis.restart(), stop: () => redis.kill() };
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
    kind: 'socketio',
    nodes: urls,
    pids: children.map((c) => c.pid!),
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
  /** Latencies of frames from the node the write went through, and from the others. */
  local: number[];
  remote: number[];
  seconds: number;
  /** The nodes' own account of the phase, where the system gives one. */
  nodes: string;
  /** Who used the cores during the phase. */
  cpu: string;
  /** CPU the system's nodes used over the phase, all together (s). */
  nodeCpuSeconds: number;
  /** Event-loop delay p99 over the phase (ms) of this process (the writer) and of the worst watcher process. */
  writerLagP99: number;
  watcherLagP99: number;
}

async function run(system: System, brokerPids: number[], watcherTiles: string[], warm: Point[], steady: Point[], burst: Point[]): Promise<{ warm: PhaseResult; steady: PhaseResult; burst: PhaseResult; rss: number[] }> {
  const watchersByTile = new Map<string, number>();
  for (const t of watcherTiles) watchersByTile.set(t, (watchersByTile.get(t) ?? 0) + 1);
  const t = performance.now();
  // Watcher i connects to node i mod 3.
  const watchers = await WatcherPool.connect(
    WATCHER_PROCESSES,
    system.kind,
    system.nodes,
    watcherTiles.map((tile, i) => ({ node: i % NODES, bbox: tileBbox(tile), room: tile })),
  );
  line(`${system.name}: ${watcherTiles.length} watchers in ${watchers.size} processes connected in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await new Promise((r) => setTimeout(r, 2_000));

  const phase = async (points: Point[], tag: string, paced: boolean): Promise<PhaseResult> => {
    let expected = 0;
    const sentAt = new Float64Array(points.length);
    await system.diagnostics?.();
    watchers.start(tag);
    const cpu = CpuAccount.start({
      ...Object.fromEntries(system.pids.map((pid, i) => [`node ${i + 1}`, pid])),
      ...Object.fromEntries(brokerPids.map((pid, i) => [brokerPids.length > 1 ? `broker ${i + 1}` : 'broker', pid])),
      ...watchers.pids('watchers'),
      writer: process.pid,
    });
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const started = epochNow();
    const inFlight = new Set<Promise<void>>();
    for (const [i, at] of points.entries()) {
      if (paced) {
        const wait = started + (i * 1000) / RATE - epochNow();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      } else if (inFlight.size >= BURST_CONCURRENCY) {
        await Promise.race(inFlight);
      }
      expected += watchersByTile.get(geotileKey(at.lat, at.lon, BASELINE_TILE_ZOOM)) ?? 0;
      sentAt[i] = epochNow();
      const p = system.write(system.nodes[i % NODES]!, `${tag}-${i}`, at);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await Promise.all(inFlight);
    await watchers.settle();
    lag.disable();
    const account = cpu.stop();
    const used = `${CpuAccount.describe(account)}; ${CpuAccount.describeQueued(account)}`;
    const nodeCpuSeconds = account.byProcess.filter(([k]) => k.startsWith('node ')).reduce((a, [, c]) => a + c * account.seconds, 0);
    const arrivals = await watchers.stop();
    const latencies: number[] = [];
    const local: number[] = [];
    const remote: number[] = [];
    let lastDelivery = started;
    arrivals.each((w, node, time) => {
      const latency = time - sentAt[w]!;
      latencies.push(latency);
      (w % NODES === node ? local : remote).push(latency);
      if (time > lastDelivery) lastDelivery = time;
    });
    return {
      cpu: used,
      writes: points.length,
      expected,
      delivered: latencies.length,
      latencies,
      local,
      remote,
      seconds: (lastDelivery - started) / 1000,
      nodes: (await system.diagnostics?.()) ?? '',
      nodeCpuSeconds,
      writerLagP99: lag.percentile(99) / 1e6,
      watcherLagP99: arrivals.lagP99,
    };
  };
  // Every process starts cold (code not yet optimised, first frames on each socket): a
  // few seconds at the steady rate first, reported apart, so "steady" is steady.
  const warmResult = await phase(warm, `w${Date.now()}`, true);
  const steadyResult = await phase(steady, `s${Date.now()}`, true);
  const burstResult = await phase(burst, `b${Date.now()}`, false);
  const rss = system.pids.map(rssMb);
  await watchers.close();
  await system.stop();
  return { warm: warmResult, steady: steadyResult, burst: burstResult, rss };
}

async function main(): Promise<void> {
  line(`# Live push benchmark — ${W.toLocaleString('en-US')} watchers over ${NODES} nodes`);
  line(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; nodes, Redis, the writer and ${WATCHER_PROCESSES} watcher processes share it`);
  line(`date: ${new Date().toISOString()}`);
  line();
  const city = [...demoCity(60_000, 4242)].map((r) => ({ lat: r.lat, lon: r.lon }));
  const watcherTiles = city.slice(0, W).map((p) => geotileKey(p.lat, p.lon, BASELINE_TILE_ZOOM));
  const steady = city.slice(W, W + RATE * SECONDS);
  const burst = city.slice(W + RATE * SECONDS, W + RATE * SECONDS + BURST);
  const warm = city.slice(W + RATE * SECONDS + BURST, W + RATE * SECONDS + BURST + RATE * WARM_UP);
  const redis = await RedisServer.start();
  let postgres: PostgresServer | null = null;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-push-bench-'));
  try {
    const chosen = new Set(args.systems.split(','));
    const buses: BusKind[] = args.bus === 'all' ? BUS_KINDS : (args.bus.split(',') as BusKind[]);
    for (const b of buses) if (!BUS_KINDS.includes(b)) throw new Error(`--bus: ${b} is not one of ${BUS_KINDS.join(', ')} or all`);
    const results: { name: string; r: Awaited<ReturnType<typeof run>> }[] = [];
    for (const kind of buses) {
      const broker = kind === 'redis' ? redisBroker(redis) : await startBroker(kind);
      try {
        if (chosen.has('roost')) results.push({ name: `Roost, ${kind}`, r: await run(await roost(path.join(work, `data-${kind}`), broker), broker.pids(), watcherTiles, warm, steady, burst) });
        if (chosen.has('roost-pg')) {
          postgres ??= await PostgresServer.start();
          const url = await postgres.createDatabase(`roost_push_${kind}`);
          results.push({ name: `Roost on PostgreSQL, ${kind}`, r: await run(await roost(path.join(work, `pg-${kind}`), broker, url), broker.pids(), watcherTiles, warm, steady, burst) });
        }
      } finally {
        if (kind !== 'redis') await broker.stop();
      }
    }
    if (chosen.has('socketio')) results.push({ name: 'Socket.IO + redis-adapter', r: await run(await socketIo(redis.url), [redis.pid], watcherTiles, warm, steady, burst) });
    line();
    line(`## Steady: ${RATE} writes/s for ${SECONDS} s (write sent → frame received)`);
    line();
    row(['system', 'writes', 'deliveries expected', 'delivered', 'lost', 'msgs/s', 'p50 ms', 'p95 ms', 'p99 ms', 'node RSS MB']);
    row(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---']);
    for (const { name, r } of results) {
      const p = percentiles(r.steady.latencies);
      row([name, r.steady.writes, r.steady.expected, r.steady.delivered, r.steady.expected - r.steady.delivered, Math.round(r.steady.delivered / r.steady.seconds), fmt(p.p50), fmt(p.p95), fmt(p.p99), r.rss.map((m) => m.toFixed(0)).join(' / ')]);
    }
    line();
    for (const { name, r } of results) {
      const p = percentiles(r.warm.latencies);
      line(`- ${name}, warm-up before it (${WARM_UP} s at the same rate, not in the table): p50 / p99 ${fmt(p.p50)} / ${fmt(p.p99)} ms, lost ${r.warm.expected - r.warm.delivered}`);
    }
    line();
    line('Where the steady tail comes from: frames from the node the write went through vs from the other nodes (p50 / p99 ms), the writer\'s and the watcher processes\' own event-loop delay, and what the nodes report.');
    line();
    for (const { name, r } of results) {
      const l = percentiles(r.steady.local);
      const o = percentiles(r.steady.remote);
      line(`- ${name}: writing node ${fmt(l.p50)} / ${fmt(l.p99)}; other nodes ${fmt(o.p50)} / ${fmt(o.p99)}; loop p99 writer ${fmt(r.steady.writerLagP99)} / watchers ${fmt(r.steady.watcherLagP99)} ms${r.steady.nodes ? `; nodes: ${r.steady.nodes}` : ''}`);
      line(`  ${r.steady.cpu}`);
    }
    line();
    line(`## Burst: ${BURST} writes, ${BURST_CONCURRENCY} in flight (capacity)`);
    line();
    row(['system', 'writes', 'delivered', 'lost', 'delivered msgs/s', 'writes/s', 'p50 ms', 'p99 ms', 'node CPU µs / msg']);
    row(['---', '---', '---', '---', '---', '---', '---', '---', '---']);
    for (const { name, r } of results) {
      const p = percentiles(r.burst.latencies);
      row([name, r.burst.writes, r.burst.delivered, r.burst.expected - r.burst.delivered, Math.round(r.burst.delivered / r.burst.seconds), Math.round(r.burst.writes / r.burst.seconds), fmt(p.p50), fmt(p.p99), ((r.burst.nodeCpuSeconds / r.burst.delivered) * 1e6).toFixed(1)]);
    }
    line();
    for (const { name, r } of results) line(`- ${name}, burst: ${r.burst.cpu}; loop p99 writer ${fmt(r.burst.writerLagP99)} / watchers ${fmt(r.burst.watcherLagP99)} ms${r.burst.nodes ? `; nodes: ${r.burst.nodes}` : ''}`);
    if (results.length === 2 && chosen.has('socketio')) {
      const [a, b] = results.map((x) => x.r) as [(typeof results)[0]['r'], (typeof results)[0]['r']];
      line();
      line(
        `Roost / Socket.IO: burst delivered msgs/s ${((a.burst.delivered / a.burst.seconds) / (b.burst.delivered / b.burst.seconds)).toFixed(2)}×; ` +
          `node CPU a delivered message ${(a.burst.nodeCpuSeconds / a.burst.delivered / (b.burst.nodeCpuSeconds / b.burst.delivered)).toFixed(2)}×; ` +
          `steady p99 ${(percentiles(a.steady.latencies).p99 / percentiles(b.steady.latencies).p99).toFixed(2)}× (lower is better for the last two)`,
      );
    }
  } finally {
    await redis.kill();
    await postgres?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:push failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
