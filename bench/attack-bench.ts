/**
 * npm run bench:attack [-- --listings N --seconds S --attacks polygon,frames,connections,trickle --attacker-nice 0]
 *
 * One node (the real server process, the shipped limits) over the demo city at N listings
 * (default 50,000, what `npm start` makes; the node must fill its demo city and start
 * within NodeProcess's 30 s); a probe from 127.0.0.1 asks GET /healthz on a
 * fresh connection every 20 ms, first with nobody else, then during each attack in turn,
 * each from hostile clients bound to their own loopback addresses in a process of their own
 * (test/helpers/hostile-clients.ts). Prints the probe's latency per phase (target: p99 ≤
 * 100 ms during each attack), what each attack did, and the time of one 950-corner
 * drawn-area search over HTTP, before and without any attack.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ATTACKS, attackPolygon, spawnAttack, startProbe, type AttackName } from '../test/helpers/hostile-clients';
import { NodeProcess } from '../test/helpers/node-process';
import { tempDir } from '../test/helpers/roost';
import { fmt, percentiles } from './stats';

const { values: args } = parseArgs({
  options: {
    listings: { type: 'string', default: '50000' },
    seconds: { type: 'string', default: '15' },
    attacks: { type: 'string', default: ATTACKS.join(',') },
    clients: { type: 'string' },
    /** Scheduling priority of the attackers' process (nice -n): on this machine they share the node's two cores. */
    'attacker-nice': { type: 'string', default: '0' },
  },
});
const SECONDS = Number(args.seconds);
/** Hostile clients (addresses) per attack: ten searchers or flooders, twenty connection holders. */
const CLIENTS: Record<AttackName, number> = { polygon: 10, frames: 10, connections: 20, trickle: 10 };
const line = (s = '') => process.stdout.write(`${s}\n`);

function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)}`;
}

async function probeFor(url: string, seconds: number) {
  const probe = startProbe(url);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return probe.stop();
}

function row(phase: string, served: { latencies: number[]; failed: number }, did: string): void {
  const p = percentiles(served.latencies);
  const max = Math.max(...served.latencies);
  line(`| ${phase} | ${p.n} | ${served.failed} | ${fmt(p.p50)} | ${fmt(p.p95)} | ${fmt(p.p99)} | ${fmt(max)} | ${did} |`);
}

async function main(): Promise<void> {
  line(`# Roost under attack — ${Number(args.listings).toLocaleString('en-US')} listings, ${SECONDS} s per phase, attackers at nice ${args['attacker-nice']}`);
  line(`machine: ${machine()}`);
  line(`date: ${new Date().toISOString()}`);
  line();
  const node = await NodeProcess.start(
    // The limits as shipped (NodeProcess would lift them for tests from one address).
    { DATA_DIR: tempDir('attack'), DEMO_LISTINGS: args.listings, RATE_SEARCH_PER_S: '50', RATE_WRITE_PER_S: '20', WS_MAX_PER_IP: '100', WS_FRAMES_PER_S: '10', HTTP_MAX_PER_IP: '256' },
    { until: 'ready' },
  ).catch((err: Error) => {
    throw new Error(`the node did not start: ${err.message}`);
  });
  // One drawn-area search at a time, nobody else about: what one such request costs the node.
  const solo: number[] = [];
  for (let i = 0; i < 12; i++) {
    const started = performance.now();
    const res = await fetch(`${node.url}/api/search?bbox=-74.3,40.45,-73.7,40.95&zoom=${i % 2 ? 11 : 16}&polygon=${attackPolygon(i % 3, 950, 100 + i)}`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`polygon search answered ${res.status}`);
    if (i >= 3) solo.push(performance.now() - started);
  }
  const s = percentiles(solo);
  line(`one 950-corner drawn-area search over HTTP, alone (lasso, star, comb; zoom 11 and 16): p50 ${fmt(s.p50)} ms, max ${fmt(Math.max(...solo))} ms`);
  line();
  line('| phase | probes | failed | p50 ms | p95 ms | p99 ms | max ms | the attack |');
  line('| --- | --- | --- | --- | --- | --- | --- | --- |');
  row('nobody else', await probeFor(node.url, Math.min(SECONDS, 5)), '');
  for (const name of args.attacks.split(',') as AttackName[]) {
    const clients = Number(args.clients ?? CLIENTS[name]);
    const attack = spawnAttack(name, node.url, clients, Number(args['attacker-nice']));
    await new Promise((r) => setTimeout(r, 1_000));
    const served = await probeFor(node.url, SECONDS);
    const tally = await attack.stop();
    const statuses = Object.entries(tally.statuses)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    row(`${name} (${clients} addresses)`, served, `${tally.requests.toLocaleString('en-US')} sent${name === 'frames' ? ' (frames)' : ''}; ${tally.closedByServer} closed by the node; ${statuses}`);
    // Let the node settle (closed sockets, timers) before the next phase.
    await new Promise((r) => setTimeout(r, 2_000));
  }
  const metrics = await (await fetch(`${node.url}/metrics`)).text();
  line();
  line('refused by limits (roost_rate_limited_total):');
  for (const m of metrics.matchAll(/^roost_rate_limited_total\{limit="([^"]+)"\} (\d+)/gm)) line(`- ${m[1]}: ${m[2]}`);
  await node.kill('SIGTERM');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:attack: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
