/**
 * npm run simulate [-- --url URL --rate N --duration S]
 *
 * A market that moves: new listings (from the demo city's generator, a fresh seed each
 * run), price drops and removals, at N writes a second against a running server through
 * the write API (ADMIN_TOKEN from the environment). For demos and load.
 */
import { commandLine } from './command-line';
import { demoCity } from '../demo/demo-city';

const USAGE = 'usage: ADMIN_TOKEN=… npm run simulate [-- --url http://localhost:3000 --rate 5 --duration 60]';
/** Shares of the feed: most writes are new homes; some drop their price; some go. */
const MIX = { create: 0.55, priceDrop: 0.3, remove: 0.15 };

function fail(message: string): never {
  process.stderr.write(`simulate: ${message}\n${USAGE}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = commandLine('simulate', USAGE, {
    options: { url: { type: 'string' }, rate: { type: 'string', default: '5' }, duration: { type: 'string' } },
  }).values;
  const token = process.env.ADMIN_TOKEN;
  if (!token) fail('ADMIN_TOKEN is not set: the write API needs it');
  const base = (args.url ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
  const rate = Number(args.rate);
  if (!(rate > 0 && rate <= 10_000)) fail('--rate must be a number of writes a second, 0 < rate ≤ 10000');
  const duration = args.duration === undefined ? Infinity : Number(args.duration);
  if (!(duration > 0)) fail('--duration must be a positive number of seconds');

  const runTag = Date.now().toString(36);
  const homes = demoCity(Number.MAX_SAFE_INTEGER, Date.now() % 2 ** 31);
  const live: { id: string; price: number }[] = [];
  const counts = { create: 0, priceDrop: 0, remove: 0, failed: 0 };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  let n = 0;

  async function one(): Promise<void> {
    const u = Math.random();
    const kind = live.length < 10 || u < MIX.create ? 'create' : u < MIX.create + MIX.priceDrop ? 'priceDrop' : 'remove';
    let res: Response;
    if (kind === 'create') {
      const r = homes.next().value!;
      const id = `sim-${runTag}-${n++}`;
      res = await fetch(`${base}/api/listings`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ id, title: r.title, lat: r.lat, lon: r.lon, price: r.price, type: r.type, district: r.district, neighbourhood: r.neighbourhood, bedrooms: r.bedrooms ?? undefined }),
      });
      if (res.ok) live.push({ id, price: r.price });
    } else {
      const i = Math.floor(Math.random() * live.length);
      const home = live[i]!;
      if (kind === 'priceDrop') {
        home.price = Math.max(100, Math.round((home.price * (0.85 + Math.random() * 0.12)) / 25) * 25);
        res = await fetch(`${base}/api/listings/${encodeURIComponent(home.id)}`, { method: 'PATCH', headers, body: JSON.stringify({ price: home.price }) });
      } else {
        res = await fetch(`${base}/api/listings/${encodeURIComponent(home.id)}`, { method: 'DELETE', headers });
        live.splice(i, 1);
      }
    }
    if (res.ok) counts[kind]++;
    else {
      counts.failed++;
      if (counts.failed <= 5) process.stderr.write(`simulate: ${kind} answered ${res.status}: ${(await res.text()).slice(0, 200)}\n`);
    }
  }

  const started = Date.now();
  let stopping = false;
  process.once('SIGINT', () => (stopping = true));
  const report = setInterval(() => {
    const s = (Date.now() - started) / 1000;
    const done = counts.create + counts.priceDrop + counts.remove;
    process.stdout.write(`${s.toFixed(0)} s: ${done} writes (${(done / s).toFixed(1)}/s) — ${counts.create} new, ${counts.priceDrop} price drops, ${counts.remove} removed, ${counts.failed} failed\n`);
  }, 5_000);
  // Writes leave on a fixed schedule, not after each answer: a slow server sees the rate asked.
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; !stopping && Date.now() - started < duration * 1000; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const p = one().catch((err: Error) => {
      counts.failed++;
      if (counts.failed <= 5) process.stderr.write(`simulate: ${err.message}\n`);
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
  clearInterval(report);
  const total = counts.create + counts.priceDrop + counts.remove;
  process.stdout.write(`done: ${total} writes — ${counts.create} new, ${counts.priceDrop} price drops, ${counts.remove} removed, ${counts.failed} failed\n`);
  process.exit(counts.failed > 0 ? 1 : 0);
}

main().catch((err: unknown) => fail((err as Error).message));
