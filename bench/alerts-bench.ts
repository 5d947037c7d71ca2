/**
 * npm run bench:alerts [-- --store sqlite,postgres --searches 10000 --renters 1000 --rate 50 --seconds 20 --warm-up 3 --channels email --spread city]
 *
 * `--spread city` (the default): searches and writes all in the demo city — one city's
 * flood, ~200 alerts a change. `--spread country`: the same searches, renters and write
 * rate spread over bench/country.ts's forty cities (searches at points of that country's
 * listings, writes likewise) — a national portal's load, far fewer alerts a change.
 *
 * `--channels email` (issue 29): every renter signs in by a mailed link first (an SMTP server
 * of the bench's own), every search chooses email too, and the bench adds change → mail
 * accepted by the SMTP server (p50/p99), and lost / twice: each alert in an inbox
 * against each home in the mails and the outbox rows still waiting (the digest's: past
 * `--mails-per-hour`, ALERT_MAILS_PER_HOUR, default the server's 12, a renter's alerts wait
 * for the daily digest — at this density most do). `push`: every renter's browser is
 * subscribed to a push service of the bench's own (test/helpers/push-service.ts: HTTPS,
 * VAPID checked, payloads decrypted), and the bench adds change → push taken (p50/p99,
 * from the store: the alert's write sent → its row marked sent after the push was taken,
 * split at the alert's commit), change → push request as the push service saw it arrive
 * (pushes of one home, whose payload names it), pushes per alert (requests / rows: an owner's due rows of a page go in one push)
 * and lost / twice (alerts carried by taken pushes against rows marked sent). With channels the nodes split the outbox
 * three ways (ALERT_SENDERS=3), as a three-node cluster is configured.
 *
 * Saved searches at scale: our own redis-server and three Roost nodes, for each store in
 * `--store`: on one DATA_DIR (SQLite), or on our own PostgreSQL with a DATA_DIR each (as
 * three hosts);
 * `searches` saved searches (map views at zooms 12–15 and drawn hexagons, filters mixed)
 * created through the API by `renters` sessions, each with a socket open (in two processes
 * of their own, as their browsers are: push-watchers.ts, kind `alerts`); then a stream
 * of writes (new homes, price drops, removals). Prints the matching cost per change
 * (percolating its before and after against every saved search, timed in process on the
 * same store) and write-to-alert latency (from sending the write to the alert frame), after
 * `warm-up` seconds of the same stream whose alerts are counted apart: a node's first
 * second of matching and delivery runs on code not yet compiled and on connections not
 * yet opened (p50 200 ms there, against 50 after), which is not what a running cluster
 * does; the push benchmark leaves out its first seconds the same way.
 *
 * Every alert, page, mail or push, is timed from the write that made it: a home that enters
 * a search through a price drop is a `new` alert of that drop, not of the home's first
 * write (keyed by the home and its price), and a removal's alert is timed from the removal
 * alone (`writeOf`). Until 2026-12-07 the mail and push tails timed the first kind from the
 * home's first write (seconds too long), and every path timed the `new` alerts of a home
 * later removed at its listed price from its removal (too short, even negative).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { ListingRecord } from '../server/core/listing';
import { demoCity } from '../server/demo/demo-city';
import { countryListings } from './country';
import { SavedSearchAreas } from '../server/engine/saved-search-areas';
import type { ListingStore } from '../server/store/listing-store';
import { openDatabase } from '../server/store/postgres/database';
import { openSharedDatabase } from '../server/core/shared-database';
import { PostgresListingStore } from '../server/store/postgres/postgres-listing-store';
import { SqliteListingStore } from '../server/store/sqlite-listing-store';
import { PostgresServer } from '../test/helpers/postgres-server';
import { NodeProcess } from '../test/helpers/node-process';
import { RedisServer } from '../test/helpers/redis-server';
import { Renter } from '../test/helpers/renter';
import { CpuAccount } from './cpu-account';
import { epochNow, REMOVED, WatcherPool } from './push-watchers';
import { fmt, percentiles } from './stats';
import { viewport } from './viewports';
import { seededRandom } from '../server/core/seeded-random';
import { secretForTests } from '../test/helpers/roost';
import { listUnsubscribe, MailServer, tokenIn } from '../test/helpers/mail-server';
import { PushService } from '../test/helpers/push-service';

const { values: args } = parseArgs({
  options: {
    searches: { type: 'string', default: '10000' },
    renters: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '20' },
    'warm-up': { type: 'string', default: '3' },
    store: { type: 'string', default: 'sqlite,postgres' },
    channels: { type: 'string', default: '' },
    'mails-per-hour': { type: 'string', default: '12' },
    spread: { type: 'string', default: 'city' },
  },
});
const CHANNELS = args.channels.split(',').map((s) => s.trim()).filter(Boolean);
for (const c of CHANNELS) {
  if (c !== 'email' && c !== 'push') {
    process.stderr.write(`bench:alerts: --channels takes email, push or both (comma-separated), not ${c}\n`);
    process.exit(2);
  }
}
if (args.spread !== 'city' && args.spread !== 'country') {
  process.stderr.write(`bench:alerts: --spread takes city or country, not ${args.spread}\n`);
  process.exit(2);
}
const SPREAD = args.spread;
const EMAIL = CHANNELS.includes('email');
const PUSH = CHANNELS.includes('push');
/** The site's address in mails when the bench mails (PUBLIC_URL is required with SMTP_URL). */
const PUBLIC_URL = 'https://roost.bench';
const STORES = args.store.split(',').map((s) => s.trim());
for (const s of STORES) {
  if (s !== 'sqlite' && s !== 'postgres') {
    process.stderr.write(`bench:alerts: --store takes sqlite, postgres or both (comma-separated), not ${s}\n`);
    process.exit(2);
  }
}
const SEARCHES = Number(args.searches);
const RENTERS = Number(args.renters);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args['warm-up']);
/** Processes the renters' sockets live in (their browsers, apart from the writer). */
const RENTER_PROCESSES = 2;
/** The phase tag of new homes' ids (`w-12`): how the renters' processes tell a bench write's frame. */
const TAG = 'w';
const TOKEN = secretForTests();
const line = (s = '') => process.stdout.write(`${s}\n`);

function hexagon(lat: number, lon: number, r: number): [number, number][] {
  const ring: [number, number][] = [];
  for (let k = 0; k < 6; k++) {
    const a = (k * Math.PI) / 3;
    ring.push([Math.round((lon + (r * Math.cos(a)) / 0.76) * 1e6) / 1e6, Math.round((lat + r * Math.sin(a)) * 1e6) / 1e6]);
  }
  return [...ring, ring[0]!];
}

async function main(): Promise<void> {
  line(`# Saved-search alerts benchmark — ${SEARCHES.toLocaleString('en-US')} saved searches, ${RENTERS} renters, 3 nodes, spread over ${SPREAD === 'city' ? 'one city' : 'a country of 40 cities'}`);
  line(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  line(`date: ${new Date().toISOString()}`);
  for (const store of STORES) {
    line();
    line(`## ${store === 'postgres' ? 'PostgreSQL, a DATA_DIR per node (as three hosts)' : 'SQLite, one DATA_DIR'}`);
    await runOn(store as 'sqlite' | 'postgres');
  }
}

async function runOn(kind: 'sqlite' | 'postgres'): Promise<void> {
  const rand = seededRandom(77);
  // Where searches look and writes land: one city's homes, or a country's (the same count).
  const city = SPREAD === 'country' ? [...countryListings(50_000)] : [...demoCity(50_000, 9)];
  const at = () => city[Math.floor(rand() * city.length)]!;
  const redis = await RedisServer.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-alerts-bench-'));
  const pg = kind === 'postgres' ? await PostgresServer.start() : null;
  const databaseUrl = pg ? await pg.createDatabase('roost_alerts_bench') : null;
  const nodes: NodeProcess[] = [];
  let sockets: WatcherPool | null = null;
  const mail = EMAIL ? await MailServer.start() : null;
  const pushService = PUSH ? await PushService.start() : null;
  const mailEnv: Record<string, string> = {
    ...(mail ? { SMTP_URL: mail.url, PUBLIC_URL, ALERT_MAILS_PER_HOUR: args['mails-per-hour'] } : {}),
    ...(pushService ? { PUBLIC_URL, PUSH_HOSTS: pushService.hostEntry, NODE_EXTRA_CA_CERTS: pushService.caFile } : {}),
    ...(CHANNELS.length > 0 ? { ALERT_SENDERS: '3' } : {}),
  };
  try {
    for (let i = 0; i < 3; i++) {
      const where: Record<string, string> = databaseUrl ? { DATA_DIR: path.join(dataDir, `node-${i}`), DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir };
      nodes.push(await NodeProcess.start({ ...where, REDIS_URL: redis.url, ADMIN_TOKEN: TOKEN, MAX_SAVED_SEARCHES: '1000', ...mailEnv }));
    }
    const renters: Renter[] = [];
    for (let i = 0; i < RENTERS; i++) {
      const r = await Renter.visit(nodes[i % 3]!.url);
      // With PUBLIC_URL set, writes are accepted from its Origin only, as from a browser on the site.
      renters.push(mail || pushService ? Renter.of(r.cookie, PUBLIC_URL) : r);
    }
    const emailOf = (i: number) => `renter-${i}@bench.example`;
    if (mail) {
      let t0 = performance.now();
      for (let i = 0; i < RENTERS; i += 20) {
        await Promise.all(
          renters.slice(i, i + 20).map(async (r, j) => {
            const k = i + j;
            const base = nodes[k % 3]!.url;
            const asked = await r.api(base, '/api/auth/email', { method: 'POST', body: { email: emailOf(k) } });
            if (asked.status !== 202) throw new Error(`sign-in link: ${asked.status} ${await asked.text()}`);
            const token = tokenIn(await mail.nth(emailOf(k), 1, 60_000));
            const verified = await r.api(base, '/api/auth/email/verify', { method: 'POST', body: { token } });
            const m = /roost_session=([^;]+)/.exec(verified.headers.get('set-cookie') ?? '');
            if (verified.status !== 200 || !m) throw new Error(`sign-in: ${verified.status} ${await verified.text()}`);
            renters[k] = Renter.of(`roost_session=${m[1]}`, PUBLIC_URL);
          }),
        );
      }
      line(`signed ${RENTERS} renters in by mailed link in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      t0 = performance.now();
    }

    if (pushService) {
      // Each renter's browser subscribes once (after signing in: the subscription is the account's).
      for (let i = 0; i < RENTERS; i += 20) {
        await Promise.all(
          renters.slice(i, i + 20).map(async (r, j) => {
            const res = await r.api(nodes[(i + j) % 3]!.url, '/api/push/subscriptions', { method: 'POST', body: pushService.subscribe().json });
            if (res.status !== 201) throw new Error(`push subscription: ${res.status} ${await res.text()}`);
          }),
        );
      }
      line(`subscribed ${RENTERS} renters' browsers to the bench's push service`);
    }

    let t = performance.now();
    let retried = 0;
    const perRenter = Math.ceil(SEARCHES / RENTERS);
    for (let i = 0; i < SEARCHES; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, SEARCHES - i) }, async (_, j) => {
          const k = i + j;
          const p = at();
          const kind = rand();
          const body: Record<string, unknown> = { name: `Search ${k}`, ...(CHANNELS.length > 0 ? { channels: ['page', ...CHANNELS] } : {}) };
          // Renters look at a neighbourhood or a few streets, and most say what they can pay.
          if (kind < 0.2) body.polygon = hexagon(p.lat, p.lon, 0.003 + rand() * 0.008);
          else body.bbox = viewport(p.lat, p.lon, 14 + Math.floor(rand() * 3));
          const f = rand();
          const budget = Math.round((p.price * (0.9 + rand() * 0.4)) / 50) * 50;
          body.filters = f < 0.1 ? {} : f < 0.4 ? { priceMax: budget } : { type: [p.type], priceMax: budget, ...(p.type === 'entire' ? { bedsMin: p.bedrooms ?? 0 } : {}) };
          // A node on a starved machine answers 5xx now and then (its pool waited too long): tried again, and counted.
          for (let tries = 0; ; tries++) {
            const res = await renters[Math.floor(k / perRenter)]!.api(nodes[k % 3]!.url, '/api/saved-searches', { method: 'POST', body });
            if (res.status === 201) break;
            if (res.status < 500 || tries >= 5) throw new Error(`saved search: ${res.status} ${await res.text()}`);
            retried++;
            await new Promise((r) => setTimeout(r, 1_000));
          }
        }),
      );
    }
    line(`created ${SEARCHES} saved searches through the API in ${((performance.now() - t) / 1000).toFixed(1)} s${retried > 0 ? ` (${retried} answered 5xx and were sent again)` : ''}`);

    // Matching cost per change, in process, on the same store (what the matcher does).
    const store: ListingStore = databaseUrl ? new PostgresListingStore(await openDatabase({ url: databaseUrl, poolMax: 2 })) : new SqliteListingStore(dataDir);
    const engine = new SavedSearchAreas(store);
    const sample: ListingRecord[][] = [];
    for (let i = 0; i < 2_000; i++) {
      const r = at();
      const before = { ...r, id: `m${i}` };
      sample.push(i % 3 === 0 ? [before] : [before, { ...before, price: Math.round(before.price * 0.9) }]);
    }
    for (const s of sample.slice(0, 200)) await engine.percolate(s);
    const cost: number[] = [];
    let matches = 0;
    for (const s of sample) {
      const t0 = performance.now();
      const got = await engine.percolate(s);
      cost.push(performance.now() - t0);
      matches += got.reduce((n, ids) => n + ids.length, 0);
    }
    await store.close();
    const pc = percentiles(cost);
    line(`matching cost per change (percolate before and after against ${SEARCHES} searches; ${sample.length} changes): p50 ${fmt(pc.p50)} ms, p99 ${fmt(pc.p99)} ms; ${(matches / sample.length).toFixed(1)} matching searches per change`);

    // Renters online, in processes of their own, each renter's socket on the node it visited.
    /** When each write was sent (epoch ms), by `id` (a new home), `id:price` (a drop, the price its alert shows) or `id:gone` (a removal). */
    const sentAt = new Map<string, number>();
    /**
     * The write an alert came from: a new home is keyed by its id, a price change by the home
     * and its new price, a removal by the home and `gone`. A home that enters a search through
     * a price drop is a `new` alert of that drop, so a new or dropped home is looked up by its
     * price first; a removal only ever by its own key (keyed by its price, as until 2026-12-07,
     * a home removed at the price it was listed at lent its removal's time to its `new` alerts).
     */
    /** The price a mail's or a notification's price line says now: its last amount ("$1,300 → $1,200/month" → 1200). */
    const priceNow = (line: string): number | null => {
      const amount = /([\d,]+)(?!.*\d)/.exec(line)?.[1];
      return amount ? Number(amount.replaceAll(',', '')) : null;
    };
    const writeOf = (id: string, price: number | null, removed: boolean): string | undefined => {
      if (removed) return sentAt.has(`${id}:gone`) ? `${id}:gone` : undefined;
      return price !== null && sentAt.has(`${id}:${price}`) ? `${id}:${price}` : sentAt.has(id) ? id : undefined;
    };
    /** Sent during the warm-up: their alerts are timed apart. */
    const warm = new Set<string>();
    const online = await WatcherPool.connect(RENTER_PROCESSES, 'alerts', nodes.map((n) => n.url), renters.map((r, i) => ({ node: i % 3, cookie: r.cookie })));
    sockets = online;
    // New homes are `${TAG}-${i}` (i: the write that made it), so the renters note whose alert each frame is.
    online.start(TAG);
    await new Promise((r) => setTimeout(r, 1_000));

    const live: { id: string; price: number }[] = [];
    /** Homes with a write not yet answered: not written again until it is, as a landlord would not, so each alert is timed from its own write. */
    const busy = new Set<string>();
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    let refused = 0;
    const send = (id: string, key: string, url: string, init: RequestInit) => {
      sentAt.set(key, epochNow());
      if (measuredFrom > writesSent) warm.add(key);
      writesSent++;
      busy.add(id);
      inFlight.push(
        fetch(url, { ...init, headers })
          .then(async (res) => {
            await res.arrayBuffer();
            if (!res.ok) refused++;
          }, () => refused++)
          .finally(() => busy.delete(id)),
      );
    };
    const total = RATE * (WARMUP + SECONDS);
    const measuredFrom = RATE * WARMUP;
    let writesSent = 0;
    t = performance.now();
    const inFlight: Promise<unknown>[] = [];
    let cpu: CpuAccount | null = null;
    let alertsBefore = 0;
    for (let i = 0; i < total; i++) {
      if (i === measuredFrom) {
        alertsBefore = await online.delivered();
        cpu = CpuAccount.start({
          ...Object.fromEntries(nodes.map((n, k) => [`node ${k + 1}`, n.child.pid!])),
          ...(pg ? { postgresql: { tree: pg.pid } } : {}),
          redis: redis.pid,
          ...online.pids('renters'),
          writer: process.pid,
        });
      }
      const wait = t + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const node = nodes[i % 3]!.url;
      const u = rand();
      const idle = live.filter((h) => !busy.has(h.id));
      if (idle.length < 20 || u < 0.6) {
        const r = at();
        const id = `${TAG}-${i}`;
        live.push({ id, price: r.price });
        send(id, id, `${node}/api/listings`, { method: 'POST', body: JSON.stringify({ id, title: r.title, lat: r.lat, lon: r.lon, price: r.price, type: r.type, bedrooms: r.bedrooms, district: r.district, neighbourhood: r.neighbourhood }) });
      } else if (u < 0.85) {
        const home = idle[Math.floor(rand() * idle.length)]!;
        home.price = Math.round(home.price * 0.9);
        send(home.id, `${home.id}:${home.price}`, `${node}/api/listings/${home.id}`, { method: 'PATCH', body: JSON.stringify({ price: home.price }) });
      } else {
        const home = idle[Math.floor(rand() * idle.length)]!;
        live.splice(live.indexOf(home), 1);
        send(home.id, `${home.id}:gone`, `${node}/api/listings/${home.id}`, { method: 'DELETE' });
      }
    }
    await Promise.all(inFlight);
    await online.settle();
    const alertsSeen = await online.delivered();
    const account = cpu!.stop();
    const latency: number[] = [];
    const warmLatency: number[] = [];
    (await online.stop()).each((write, _node, time, price) => {
      const key = writeOf(`${TAG}-${write}`, price === REMOVED ? null : price, price === REMOVED);
      const t0 = key !== undefined ? sentAt.get(key) : undefined;
      if (t0 !== undefined) (warm.has(key!) ? warmLatency : latency).push(time - t0);
    });
    const pl = percentiles(latency);
    const pw = percentiles(warmLatency);
    line(`writes: ${measuredFrom} in ${WARMUP} s of warm-up, then ${total - measuredFrom} at ${RATE}/s; ${refused} refused; alerts delivered live: ${alertsSeen} (${(alertsSeen / total).toFixed(1)} alerts per change, spread ${SPREAD})`);
    line(`write-to-alert latency (write sent → alert frame), after the warm-up: p50 ${fmt(pl.p50)} ms, p95 ${fmt(pl.p95)} ms, p99 ${fmt(pl.p99)} ms (target p99 ≤ ${kind === 'postgres' ? 200 : 100} ms; ${latency.length} alerts)`);
    if (warmLatency.length > 0) line(`  during the warm-up: p50 ${fmt(pw.p50)} ms, p99 ${fmt(pw.p99)} ms (${warmLatency.length} alerts)`);
    // CPU per alert is steadier from run to run than a tail on two shared cores: it says whether a change made the work cheaper.
    const perAlert = (names: (k: string) => boolean) => (account.byProcess.filter(([k]) => names(k)).reduce((a, [, c]) => a + c, 0) * account.seconds * 1e6) / Math.max(1, alertsSeen - alertsBefore);
    line(`CPU after the warm-up (${account.seconds.toFixed(1)} s, until the last alert): ${CpuAccount.describe(account)}`);
    line(`CPU per alert delivered: nodes ${perAlert((k) => k.startsWith('node ')).toFixed(1)} µs, ${pg ? `PostgreSQL ${perAlert((k) => k === 'postgresql').toFixed(1)} µs, ` : ''}renters' side ${perAlert((k) => k.startsWith('renters')).toFixed(1)} µs`);
    let inbox = 0;
    for (const r of renters) {
      for (let after = 0; ; ) {
        const page = ((await (await r.api(nodes[0]!.url, `/api/alerts?after=${after}`)).json()) as { alerts: { id: number }[] }).alerts;
        inbox += page.length;
        if (page.length === 0) break;
        after = page[page.length - 1]!.id;
      }
    }
    line(`alerts in the inboxes: ${inbox} (live deliveries counted above: ${alertsSeen}; equal when none was lost)`);
    if (mail) {
      /** Outbox rows not yet sent (the digest's included): the same figure on every node. */
      const waiting = async () => Number(/^roost_alert_outbox_waiting (\d+)$/m.exec(await (await fetch(`${nodes[0]!.url}/metrics`)).text())?.[1] ?? 0);
      // Mails settle: no new mail and no change in the outbox for 5 s (two minutes at most) after the last write.
      let left = await waiting();
      for (let last = -1, lastLeft = -1, still = 0, waited = 0; still < 5 && waited < 120; waited++) {
        await new Promise((r) => setTimeout(r, 1_000));
        left = await waiting();
        still = mail.mails.length === last && left === lastLeft ? still + 1 : 0;
        last = mail.mails.length;
        lastLeft = left;
      }
      const expected = new Map<string, number>();
      for (const [k, r] of renters.entries()) {
        for (let after = 0; ; ) {
          const page = ((await (await r.api(nodes[0]!.url, `/api/alerts?after=${after}`)).json()) as { alerts: { id: number; listing: { id: string } }[] }).alerts;
          if (page.length === 0) break;
          for (const a of page) expected.set(`${emailOf(k)}|${a.listing.id}`, (expected.get(`${emailOf(k)}|${a.listing.id}`) ?? 0) + 1);
          after = page[page.length - 1]!.id;
        }
      }
      const got = new Map<string, number>();
      const mailLatency: number[] = [];
      const messageIds = new Set<string>();
      let alertMails = 0;
      for (const m of mail.mails) {
        if (listUnsubscribe(m).url === '') continue;
        alertMails++;
        messageIds.add(String(m.headers.get('message-id')));
        for (const x of m.text.matchAll(/^(New|Price drop|No longer listed): .*\n(.*)\nSee the home: https:\/\/roost\.bench\/listings\/([\w-]+)$/gm)) {
          const key = `${m.to[0]}|${x[3]}`;
          got.set(key, (got.get(key) ?? 0) + 1);
          // The price line says the price now last: "$1,200 / month" or "$1,300 → $1,200 / month".
          const write = writeOf(x[3]!, priceNow(x[2]!.split(' · ')[0]!), x[1] === 'No longer listed');
          const t0 = write !== undefined ? sentAt.get(write) : undefined;
          if (t0 !== undefined && !warm.has(write!)) mailLatency.push(m.at - t0);
        }
      }
      let twice = 0;
      for (const [k, n] of got) twice += Math.max(0, n - (expected.get(k) ?? 0));
      const inInboxes = [...expected.values()].reduce((a, b) => a + b, 0);
      const mailedHomes = [...got.values()].reduce((a, b) => a + b, 0);
      const lost = Math.max(0, inInboxes - (mailedHomes - twice) - left);
      const pm = percentiles(mailLatency);
      line(`alert mails (ALERT_MAILS_PER_HOUR ${args['mails-per-hour']}): ${alertMails} (${messageIds.size} distinct Message-IDs) carrying ${mailedHomes} homes, ${left} alerts waiting for the digest, for ${inInboxes} alerts in the inboxes; lost ${lost}, twice ${twice}`);
      line(`change → mail accepted by SMTP (each home timed from its own write, after the warm-up; includes the 1 s gathering of a search's homes): p50 ${fmt(pm.p50)} ms, p95 ${fmt(pm.p95)} ms, p99 ${fmt(pm.p99)} ms (target p99 ≤ 5 s; ${mailLatency.length} homes)`);
    }
    if (pushService) {
      // Settled as the mail above (or here, without email): no new push and no change in the outbox for 5 s.
      /** Push rows not yet sent, read from the store itself (/metrics counts both channels together). */
      const pushRowsWaiting = async (): Promise<number> => {
        const q = "SELECT COUNT(*) AS n FROM alert_outbox WHERE done_at IS NULL AND channel = 'push'";
        if (databaseUrl) {
          const pool = await openDatabase({ url: databaseUrl, poolMax: 1 });
          try {
            return Number((await pool.query<{ n: string }>(q)).rows[0]!.n);
          } finally {
            await pool.end();
          }
        }
        return Number((openSharedDatabase(dataDir, 'alerts.db').prepare(q).get() as { n: number }).n);
      };
      for (let last = -1, still = 0, waited = 0; still < 5 && waited < 120; waited++) {
        await new Promise((r) => setTimeout(r, 1_000));
        still = pushService.received.length === last ? still + 1 : 0;
        last = pushService.received.length;
      }
      let alerts = 0;
      for (const r of renters) {
        for (let after = 0; ; ) {
          const page = ((await (await r.api(nodes[0]!.url, `/api/alerts?after=${after}`)).json()) as { alerts: { id: number }[] }).alerts;
          if (page.length === 0) break;
          alerts += page.length;
          after = page[page.length - 1]!.id;
        }
      }
      // A push carries `count` alerts (an owner's due rows of a page): carried against rows marked sent says twice.
      const taken = pushService.received.filter((p) => p.status === 201);
      const carried = taken.reduce((n, p) => n + Number((p.payload as { count?: number } | null)?.count ?? 1), 0);
      /** Push rows marked sent, with their home and when (the row is marked once its push was taken). */
      const q = (json: (col: string, field: string) => string) =>
        `SELECT ${json('l.listing', 'id')} AS id, ${json('l.listing', 'price')} AS price, a.reason AS reason, a.at AS committed, o.done_at AS done FROM alert_outbox o JOIN alerts a ON a.id = o.alert_id ` +
        `LEFT JOIN alert_listings l ON l.seq = a.seq AND l.side = 1 WHERE o.channel = 'push' AND o.outcome = 'sent'`;
      let sentRows: { id: string | null; price: number | string | null; reason: string; committed: number | string; done: number | string }[];
      if (databaseUrl) {
        const pool = await openDatabase({ url: databaseUrl, poolMax: 1 });
        try {
          sentRows = (await pool.query<{ id: string | null; price: string | null; reason: string; committed: string; done: string }>(q((c, f) => `(${c}::jsonb)->>'${f}'`))).rows;
        } finally {
          await pool.end();
        }
      } else {
        sentRows = openSharedDatabase(dataDir, 'alerts.db').prepare(q((c, f) => `json_extract(${c}, '$.${f}')`)).all() as typeof sentRows;
      }
      const pushLatency: number[] = [];
      // Where the time goes: write sent → alert committed (the matcher), committed → row marked (the sender).
      const matched: number[] = [];
      const marked: number[] = [];
      for (const r of sentRows) {
        const write = r.id ? writeOf(r.id, r.price === null ? null : Number(r.price), r.reason === 'removed') : undefined;
        const t0 = write !== undefined ? sentAt.get(write) : undefined;
        if (t0 === undefined || warm.has(write!)) continue;
        pushLatency.push(Number(r.done) - t0);
        matched.push(Number(r.committed) - t0);
        marked.push(Number(r.done) - Number(r.committed));
      }
      // The request itself, as the push service saw it arrive: a push of one new home opens that home.
      const requested: number[] = [];
      for (const p of taken) {
        const payload = p.payload as { count?: number; url?: string; body?: string; title?: string } | null;
        const id = (payload?.count ?? 1) === 1 ? /\/listings\/([^/?#]+)$/.exec(payload?.url ?? '')?.[1] : undefined;
        const write = id ? writeOf(decodeURIComponent(id), priceNow(payload?.body?.split(' — ').pop() ?? ''), payload?.title?.startsWith('No longer listed') ?? false) : undefined;
        const t0 = write !== undefined ? sentAt.get(write) : undefined;
        if (t0 !== undefined && !warm.has(write!)) requested.push(p.at - t0);
      }
      const twice = Math.max(0, carried - sentRows.length);
      const left = await pushRowsWaiting();
      const pp = percentiles(pushLatency);
      // Lost: an alert with no push row sent and none waiting; late: its row still waits when the bench stops waiting.
      line(`push requests taken: ${taken.length} carrying ${carried} alerts (${(taken.length / Math.max(1, carried)).toFixed(3)} pushes per alert) for ${alerts} alerts in the inboxes; rows marked sent ${sentRows.length}; refused by the service ${pushService.refused.length}; push rows still waiting (late) ${left}; lost ${Math.max(0, alerts - sentRows.length - left)}, twice ${twice}`);
      line(`change → push taken (write sent → its row marked sent, each alert from its own write, after the warm-up): p50 ${fmt(pp.p50)} ms, p95 ${fmt(pp.p95)} ms, p99 ${fmt(pp.p99)} ms (target p99 ≤ 1 s; ${pushLatency.length} alerts)`);
      const pa = percentiles(matched);
      const pb = percentiles(marked);
      const pr = percentiles(requested);
      line(`  of which write sent → alert committed p50 ${fmt(pa.p50)} / p99 ${fmt(pa.p99)} ms; alert committed → row marked sent p50 ${fmt(pb.p50)} / p95 ${fmt(pb.p95)} / p99 ${fmt(pb.p99)} ms`);
      line(`change → push request received by the push service (pushes of one home, after the warm-up): p50 ${fmt(pr.p50)} ms, p95 ${fmt(pr.p95)} ms, p99 ${fmt(pr.p99)} ms (${requested.length} pushes)`);
    }
    // Routed delivery: what the alert doorbells cost on the bus, from each node's /metrics.
    const counted = { received: 0, sentOne: 0, sentAll: 0, delivered: 0, writes: 0 };
    /** roost_alert_lag_seconds buckets summed over the nodes, per stage: le → count. */
    const lag = new Map<string, Map<number, number>>();
    for (const n of nodes) {
      const text = await (await fetch(`${n.url}/metrics`)).text();
      for (const m of text.matchAll(/^roost_alert_lag_seconds_bucket\{le="([^"]+)",stage="(\w+)"\} (\d+)$/gm)) {
        const byLe = lag.get(m[2]!) ?? new Map<number, number>();
        lag.set(m[2]!, byLe);
        const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
        byLe.set(le, (byLe.get(le) ?? 0) + Number(m[3]));
      }
      const num = (re: RegExp) => Number(re.exec(text)?.[1] ?? 0);
      counted.received += num(/^roost_bus_messages_total\{channel="roost:alerts",kind="received"\} (\d+)$/m);
      counted.sentOne += num(/^roost_bus_messages_total\{channel="roost:alerts",kind="sent_one"\} (\d+)$/m);
      counted.sentAll += num(/^roost_bus_messages_total\{channel="roost:alerts",kind="sent_all"\} (\d+)$/m);
      counted.delivered += num(/^roost_alerts_delivered_total (\d+)$/m);
      counted.writes += num(/^roost_alert_socket_writes_total (\d+)$/m);
    }
    // Where the time goes, from the nodes' histograms (a bucket's upper edge: coarse, but per stage).
    const upTo = (byLe: Map<number, number>, q: number) => {
      const edges = [...byLe.keys()].sort((a, b) => a - b);
      const total = byLe.get(Infinity) ?? 0;
      const edge = edges.find((e) => byLe.get(e)! >= q * total);
      return edge === undefined || edge === Infinity ? '> 30 s' : `≤ ${edge * 1000} ms`;
    };
    const stageName: Record<string, string> = {
      matched: 'change committed → its alerts committed',
      delivered: 'alert committed → written to the socket',
      mailed: 'alert committed → its mail accepted by SMTP',
      pushed: 'alert committed → its push taken',
    };
    for (const [stage, byLe] of lag) line(`alert lag, ${stageName[stage] ?? stage}: p50 ${upTo(byLe, 0.5)}, p99 ${upTo(byLe, 0.99)} (${byLe.get(Infinity) ?? 0} observed, the warm-up's too)`);
    line(`alert frames a socket write: ${(counted.delivered / Math.max(1, counted.writes)).toFixed(2)} (${counted.delivered} frames in ${counted.writes} writes)`);
    line(
      `alert doorbells on the bus: ${counted.sentOne} routed to one node + ${counted.sentAll} to all, ${counted.received} received, for ${counted.delivered} alerts delivered ` +
        `(${(counted.received / Math.max(1, counted.delivered)).toFixed(4)} bus messages per alert delivered; a broadcast of each batch would be received by all 3 nodes)`,
    );
  } catch (err) {
    // A node that died says why on its stderr (its log goes nowhere in a bench).
    for (const [k, n] of nodes.entries()) {
      if (n.child.exitCode !== null || n.child.signalCode !== null) line(`node ${k + 1} exited (${n.child.exitCode ?? n.child.signalCode}): ${n.stderr().slice(-3000)}`);
    }
    throw err;
  } finally {
    await sockets?.close();
    for (const n of nodes) await n.kill('SIGTERM');
    await redis.kill();
    await pg?.stop();
    await mail?.stop();
    await pushService?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:alerts failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
