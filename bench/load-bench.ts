/**
 * npm run bench:load [-- --sockets 10000 --searches 200 --writes 20 --seconds 60 --warm-up 5
 *                       --listings 100000 --watcher-processes 2]
 *
 * The service under load on this machine: our own redis-server, three nodes on one
 * DATA_DIR holding the demo city, `sockets` live sockets watching map views spread over
 * the nodes (held by watcher processes of their own, bench/push-watchers.ts), and from
 * this process `searches` /api/search requests a second (every level, filters mixed) and
 * `writes` listing writes a second for `seconds`, after `warm-up` seconds of the same
 * (reported apart: every process starts cold). Prints throughput, search and push
 * latency (p50/p99), errors, and each node's peak resident memory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { demoCity } from '../server/demo/demo-city';
import { NodeProcess } from '../test/helpers/node-process';
import { RedisServer } from '../test/helpers/redis-server';
import { CpuAccount } from './cpu-account';
import { nodeDiagnostics } from './node-diagnostics';
import { epochNow, WatcherPool } from './push-watchers';
import { fmt, percentiles } from './stats';
import { searchQueryString, viewport, viewsFor, type View } from './viewports';
import { secretForTests } from '../test/helpers/roost';

const { values: args } = parseArgs({
  options: {
    sockets: { type: 'string', default: '10000' },
    searches: { type: 'string', default: '200' },
    writes: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '60' },
    listings: { type: 'string', default: '100000' },
    'watcher-processes': { type: 'string', default: '2' },
    'warm-up': { type: 'string', default: '5' },
  },
});
const WATCHER_PROCESSES = Number(args['watcher-processes']);
const SOCKETS = Number(args.sockets);
const SEARCH_RATE = Number(args.searches);
const WRITE_RATE = Number(args.writes);
const SECONDS = Number(args.seconds);
const LISTINGS = Number(args.listings);
const WARM_UP = Number(args['warm-up']);
const TOKEN = secretForTests();
const line = (s = '') => process.stdout.write(`${s}\n`);

function peakKb(pid: number): number {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)![1]);
  } catch {
    return NaN;
  }
}

async function main(): Promise<void> {
  line(`# Load benchmark — ${SOCKETS.toLocaleString('en-US')} sockets, ${SEARCH_RATE} searches/s, ${WRITE_RATE} writes/s, ${SECONDS} s, 3 nodes`);
  line(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; nodes, Redis and the load share it`);
  line(`date: ${new Date().toISOString()}`);
  line();
  const redis = await RedisServer.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-load-'));
  const nodes: NodeProcess[] = [];
  let watchers: WatcherPool | null = null;
  try {
    const env = { DATA_DIR: dataDir, REDIS_URL: redis.url, ADMIN_TOKEN: TOKEN };
    // The first node fills the store with the demo city; the others open it.
    nodes.push(await NodeProcess.start({ ...env, DEMO_LISTINGS: String(LISTINGS) }));
    for (let i = 1; i < 3; i++) nodes.push(await NodeProcess.start(env));
    const city = [...demoCity(30_000, 5)];
    const centres = city.map((r) => ({ lat: r.lat, lon: r.lon }));

    // Sockets in their own processes, as renters' browsers are: the searches and writes
    // from this one are not held up by 10,000 sockets' frames, nor they by its requests.
    let t = performance.now();
    const specs = Array.from({ length: SOCKETS }, (_, k) => {
      const c = centres[k % centres.length]!;
      // Zoom from k / 3, not k: with both from k % 3 every zoom-14 view (four times the area,
      // so the frames, of a zoom-15 one) sat on node 1.
      return { node: k % 3, bbox: viewport(c.lat, c.lon, 14 + (Math.floor(k / 3) % 3)), room: '' };
    });
    const urls = nodes.map((n) => n.url);
    const pool = await WatcherPool.connect(WATCHER_PROCESSES, 'roost', urls, specs);
    watchers = pool;
    line(`${SOCKETS} sockets open and watching in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    await new Promise((r) => setTimeout(r, 2_000));

    const views = viewsFor([10, 11, 12, 13, 14, 15, 16, 17], centres, SEARCH_RATE * (WARM_UP + SECONDS), 'mixed', 3);
    const peaks = [0, 0, 0];
    const sampler = setInterval(() => nodes.forEach((n, i) => (peaks[i] = Math.max(peaks[i]!, peakKb(n.child.pid!)))), 1_000);
    let written = 0;
    /**
     * `seconds` of searches and writes at the set rates, writes numbered `${tag}-0`, … (the
     * watcher processes note each frame's arrival), then the stragglers.
     */
    const drive = async (tag: string, seconds: number, viewsOfPhase: View[]) => {
      const searchMs: number[] = [];
      let searchErrors = 0;
      let writeErrors = 0;
      let writes = 0;
      const inFlight = new Set<Promise<void>>();
      const track = (p: Promise<void>) => {
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      };
      const sentAt: number[] = [];
      pool.start(tag);
      const t = performance.now();
      const searchEvery = 1000 / SEARCH_RATE;
      const writeEvery = WRITE_RATE > 0 ? 1000 / WRITE_RATE : Infinity;
      let nextWrite = 0;
      for (let i = 0; i < viewsOfPhase.length && performance.now() - t < seconds * 1000; i++) {
        const due = t + i * searchEvery;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const v = viewsOfPhase[i]!;
        const node = nodes[i % 3]!.url;
        track(
          (async () => {
            const s = performance.now();
            try {
              const res = await fetch(`${node}/api/search?${searchQueryString(v)}`);
              await res.arrayBuffer();
              if (res.status !== 200) searchErrors++;
              else searchMs.push(performance.now() - s);
            } catch {
              searchErrors++;
            }
          })(),
        );
        while (performance.now() - t >= nextWrite * writeEvery) {
          const r = city[(written++ * 7919) % city.length]!;
          const id = `${tag}-${nextWrite}`;
          const target = nodes[nextWrite % 3]!.url;
          nextWrite++;
          sentAt.push(epochNow());
          track(
            fetch(`${target}/api/listings`, {
              method: 'POST',
              headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
              body: JSON.stringify({ id, title: r.title, lat: r.lat, lon: r.lon, price: r.price, type: r.type, bedrooms: r.bedrooms, district: r.district, neighbourhood: r.neighbourhood }),
            })
              .then(async (res) => {
                await res.arrayBuffer();
                writes++;
                if (res.status !== 201) writeErrors++;
              })
              .catch(() => {
                writeErrors++;
              }),
          );
        }
      }
      await Promise.all(inFlight);
      const elapsed = (performance.now() - t) / 1000;
      await new Promise((r) => setTimeout(r, 1_500));
      const arrivals = await pool.stop();
      const push: number[] = [];
      arrivals.each((w, _node, time) => push.push(time - sentAt[w]!));
      return { searchMs, searchErrors, writes, writeErrors, elapsed, push, arrivals };
    };

    // Every process of the run starts cold (code not yet optimised, first frames on each
    // socket): that first second or two is not the service under steady load, so it runs
    // first, apart, and its figures are printed apart.
    const warm = await drive('warm', WARM_UP, views.slice(0, SEARCH_RATE * WARM_UP));
    const scraped = new Map<string, string>();
    await nodeDiagnostics(urls, scraped);
    const cpu = CpuAccount.start({
      'node 1': nodes[0]!.child.pid!,
      'node 2': nodes[1]!.child.pid!,
      'node 3': nodes[2]!.child.pid!,
      redis: redis.pid,
      ...pool.pids('sockets'),
      'searches and writes': process.pid,
    });
    const { searchMs, searchErrors, writes, writeErrors, elapsed, push, arrivals } = await drive('load', SECONDS, views.slice(SEARCH_RATE * WARM_UP));
    const used = cpu.stop();
    clearInterval(sampler);
    const { open, errors: wsErrors } = arrivals;
    nodes.forEach((n, i) => (peaks[i] = Math.max(peaks[i]!, peakKb(n.child.pid!))));
    const ps = percentiles(searchMs);
    const pp = percentiles(push);
    line();
    line('| measure | figure | target |');
    line('| --- | --- | --- |');
    line(`| searches | ${searchMs.length + searchErrors} in ${elapsed.toFixed(1)} s → ${Math.round((searchMs.length + searchErrors) / elapsed)}/s | 200/s |`);
    line(`| search latency over HTTP p50 / p95 / p99 | ${fmt(ps.p50)} / ${fmt(ps.p95)} / ${fmt(ps.p99)} ms | p99 ≤ 50 ms |`);
    line(`| writes | ${writes} (${(writes / elapsed).toFixed(1)}/s) | |`);
    line(`| frames pushed to watchers | ${push.length} | |`);
    line(`| push latency (write sent → frame) p50 / p95 / p99 | ${fmt(pp.p50)} / ${fmt(pp.p95)} / ${fmt(pp.p99)} ms | p99 ≤ 100 ms |`);
    line(`| errors: searches / writes / sockets | ${searchErrors} / ${writeErrors} / ${wsErrors} | 0 |`);
    line(`| sockets still open at the end | ${open} of ${SOCKETS} | all |`);
    line(`| peak resident memory per node | ${peaks.map((k) => `${(k / 1024).toFixed(0)} MB`).join(' / ')} | ≤ 1 GB each |`);
    line();
    const ws = percentiles(warm.searchMs);
    const wp = percentiles(warm.push);
    line(
      `Warm-up before the run (${WARM_UP} s at the same rates, not in the table): search p50 / p99 ${fmt(ws.p50)} / ${fmt(ws.p99)} ms, push p50 / p99 ${fmt(wp.p50)} / ${fmt(wp.p99)} ms, errors ${warm.searchErrors} / ${warm.writeErrors}`,
    );
    line(`CPU over the run: ${CpuAccount.describe(used)}`);
    line(`Of the run, ${CpuAccount.describeQueued(used)}`);
    line(`Nodes over the run: ${await nodeDiagnostics(urls, scraped)}`);
  } finally {
    await watchers?.close();
    for (const n of nodes) await n.kill('SIGTERM');
    await redis.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:load failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
