/**
 * `npm run bench:messages` — issue 27's figures: 10,000 signed-in people on 3 nodes, 200
 * messages a second between random renter–host pairs whose sockets are on different nodes,
 * send → recipient's socket latency, lost and doubled, CPU per message, and the bus
 * messages each delivered message cost; beside Socket.IO with its Redis adapter delivering
 * the same messages to per-user rooms, in the same run, on the same machine.
 *
 *   npm run bench:messages [-- --accounts 10000 --rate 200 --seconds 30 --store sqlite|postgres --systems roost,socketio]
 *
 * Accounts, their session rows and conversations are written to the store before the nodes
 * start (signing 10,000 people in by mail would time the mail server); their cookies are
 * signed with the cluster's SESSION_SECRET, as a sign-in would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AccountStore } from '../server/accounts/account-store';
import { PostgresAccountStore } from '../server/accounts/postgres-account-store';
import { SqliteAccountStore } from '../server/accounts/sqlite-account-store';
import { SqliteAlertStore } from '../server/alerts/sqlite-alert-store';
import type { ConversationStore } from '../server/conversations/conversation-store';
import { PostgresConversationStore } from '../server/conversations/postgres-conversation-store';
import { SqliteConversationStore } from '../server/conversations/sqlite-conversation-store';
import type { ListingRecord } from '../server/core/listing';
import { SessionCookies, SESSION_COOKIE } from '../server/sessions/session-cookie';
import { openDatabase } from '../server/store/postgres/database';
import { NodeProcess } from '../test/helpers/node-process';
import { PostgresServer } from '../test/helpers/postgres-server';
import { RedisServer } from '../test/helpers/redis-server';
import { ROOT } from '../test/helpers/roost';
import { freePort } from '../test/helpers/tcp-proxy';
import { ChatPool, type Outgoing, type Person } from './chat-clients';
import { CpuAccount } from './cpu-account';
import { fmt, percentiles } from './stats';

const { values: args } = parseArgs({
  options: {
    accounts: { type: 'string', default: '10000' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '30' },
    'warm-up': { type: 'string', default: '3' },
    store: { type: 'string', default: 'sqlite' },
    systems: { type: 'string', default: 'roost,socketio' },
    processes: { type: 'string', default: '4' },
  },
});
const ACCOUNTS = Number(args.accounts);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const WARMUP = Number(args['warm-up']);
const PROCESSES = Number(args.processes);
/** Messages dealt at once: a 20th of a second's (whole messages, however slow the rate). */
const BATCH = Math.max(1, Math.round(RATE / 20));
const SECRET = crypto.randomBytes(32).toString('base64url');
const line = (s = '') => process.stdout.write(`${s}\n`);
const LISTING: ListingRecord = { id: 'bench-home', title: 'Bench home', lat: 40.7, lon: -73.95, price: 2000, type: 'entire', district: 'D', neighbourhood: 'N', bedrooms: 1, listedAt: 0, updatedAt: 0 };

/** Pairs: person i (renter) and i + N/2 (host), one conversation each, their sockets on different nodes. */
function pairs(n: number): { renter: number; host: number }[] {
  return Array.from({ length: n / 2 }, (_, i) => ({ renter: i, host: i + n / 2 }));
}
const nodeOf = (person: number) => person % 3;
/** The host of pair i is i + N/2; with N/2 a multiple of 3 the host would share the renter's node: shift it. */
const hostNode = (renter: number) => (renter + 1) % 3;

interface Seeded {
  people: Person[];
  conversations: string[];
}

async function seed(accounts: AccountStore, conversations: ConversationStore): Promise<Seeded> {
  const cookies = new SessionCookies(SECRET);
  const people: Person[] = [];
  const now = Date.now();
  for (let i = 0; i < ACCOUNTS; i++) {
    const account = `acc-bench-${i}`;
    await accounts.createAccount({ id: account, email: `p${i}@bench.example`, name: `Person ${i}`, createdAt: now });
    const id = cookies.newId();
    await accounts.putSession({ key: cookies.keyOf(id), handle: `h-${i}`, owner: account, accountId: account, createdAt: now, seenAt: now, expiresAt: now + 86_400_000, device: 'bench' });
    people.push({ account, node: 0, cookie: `${SESSION_COOKIE}=${cookies.value(id)}` });
  }
  const ids: string[] = [];
  for (const { renter, host } of pairs(ACCOUNTS)) {
    people[renter]!.node = nodeOf(renter);
    people[host]!.node = hostNode(renter);
    const c = await conversations.start({ id: `c-bench-${renter}`, listingId: `bench-home-${renter}`, renterId: people[renter]!.account, hostId: people[host]!.account, createdAt: now, listing: LISTING, lastMessageId: 0 });
    ids.push(c.conversation.id);
  }
  return { people, conversations: ids };
}

/**
 * The bus messages a node sent and received for messages (`roost_bus_messages_total` on
 * roost:messages): a broadcast is one sent and a received on every node; a routed doorbell
 * one of each, at the holder's node.
 */
async function busCounts(url: string): Promise<{ sent: number; received: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = { sent: 0, received: 0 };
  for (const m of text.matchAll(/^roost_bus_messages_total\{channel="roost:messages",kind="(sent_one|sent_all|received)"\} (\d+)/gm)) {
    if (m[1] === 'received') out.received += Number(m[2]);
    else out.sent += Number(m[2]);
  }
  return out;
}

interface Run {
  label: string;
  latency: number[];
  lost: number;
  doubled: number;
  sent: number;
  cpu: ReturnType<CpuAccount['stop']>;
  nodeCores: number;
  busPerDelivered: { sent: number; received: number } | null;
  refused: number;
  acks: number;
}

/** Sends the run's messages through `pool` at RATE, timed from after the warm-up; counts what reached each recipient. */
async function drive(label: string, pool: ChatPool, seeded: Seeded, pids: Record<string, number | { tree: number }>, nodeNames: string[], bus: (() => Promise<{ sent: number; received: number }>) | null): Promise<Run> {
  const rand = (() => {
    let s = 12345;
    return () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  })();
  const all = pairs(ACCOUNTS);
  const sentLog: { from: number; to: number; fromNode: number; toNode: number }[] = [];
  const make = (n: number): Outgoing => {
    const k = Math.floor(rand() * all.length);
    const { renter, host } = all[k]!;
    // Either side writes.
    const [from, to] = rand() < 0.5 ? [renter, host] : [host, renter];
    sentLog[n] = { from, to, fromNode: seeded.people[from]!.node, toNode: seeded.people[to]!.node };
    return { from: seeded.people[from]!.account, to: seeded.people[to]!.account, conversationId: seeded.conversations[k]!, n };
  };
  // Warm-up: numbered apart (tag w), not timed.
  pool.start('w');
  const warmT = performance.now();
  for (let i = 0; i < RATE * WARMUP; i += BATCH) {
    const wait = warmT + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pool.send(Array.from({ length: Math.min(BATCH, RATE * WARMUP - i) }, (_, j) => make(i + j)));
  }
  await pool.settle(RATE * WARMUP);
  await pool.stop();
  const bus0 = bus ? await bus() : null;
  pool.start('m');
  const cpu = CpuAccount.start(pids);
  const total = RATE * SECONDS;
  const t0 = performance.now();
  // Batches of BATCH: each message in them is stamped as its own process sends it.
  for (let i = 0; i < total; i += BATCH) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pool.send(Array.from({ length: Math.min(BATCH, total - i) }, (_, j) => make(i + j)));
  }
  await pool.settle(total);
  const account = cpu.stop();
  const got = await pool.stop();
  const seen = new Map<number, number>();
  for (const n of got.ns) seen.set(n, (seen.get(n) ?? 0) + 1);
  let lost = 0;
  let doubled = 0;
  for (let n = 0; n < total; n++) {
    const c = seen.get(n) ?? 0;
    if (c === 0 && process.env.BENCH_DEBUG) line(`lost #${n}: ${JSON.stringify(sentLog[n])}`);
    if (c === 0) lost++;
    if (c > 1) doubled += c - 1;
  }
  const delivered = total - lost;
  const bus1 = bus ? await bus() : null;
  const nodeCores = account.byProcess.filter(([k]) => nodeNames.includes(k)).reduce((a, [, c]) => a + c, 0);
  return { label, latency: got.latency, lost, doubled, sent: total, cpu: account, nodeCores, busPerDelivered: bus0 && bus1 ? { sent: (bus1.sent - bus0.sent) / Math.max(1, delivered), received: (bus1.received - bus0.received) / Math.max(1, delivered) } : null, refused: got.refused, acks: got.acks };
}

function report(r: Run): void {
  const p = percentiles(r.latency);
  line(`### ${r.label}`);
  line(`send → recipient: p50 ${fmt(p.p50)} ms, p95 ${fmt(p.p95)} ms, p99 ${fmt(p.p99)} ms, max ${fmt(Math.max(...r.latency))} ms (${p.n.toLocaleString('en-US')} delivered of ${r.sent.toLocaleString('en-US')})`);
  line(`lost ${r.lost}, doubled ${r.doubled}, refused ${r.refused}, acknowledged ${r.acks}`);
  line(`CPU of the nodes: ${r.nodeCores.toFixed(2)} cores = ${((r.nodeCores * 1e6) / (r.sent / r.cpu.seconds)).toFixed(0)} µs of a core per message`);
  if (r.busPerDelivered !== null) {
    line(`bus messages per delivered message: ${r.busPerDelivered.sent.toFixed(2)} sent, ${r.busPerDelivered.received.toFixed(2)} received (a broadcast to 3 nodes: 1 sent, 3 received)`);
  }
  line(CpuAccount.describe(r.cpu));
  line();
}

async function roostRun(store: 'sqlite' | 'postgres', redis: RedisServer): Promise<Run> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roost-messages-bench-'));
  const pg = store === 'postgres' ? await PostgresServer.start() : null;
  const databaseUrl = pg ? await pg.createDatabase('roost_messages_bench') : null;
  const nodes: NodeProcess[] = [];
  let pool: ChatPool | null = null;
  try {
    let seeded: Seeded;
    const t = performance.now();
    if (databaseUrl) {
      const dbPool = await openDatabase({ url: databaseUrl, poolMax: 4 });
      seeded = await seed(new PostgresAccountStore(dbPool), new PostgresConversationStore(dbPool));
      await dbPool.end();
    } else {
      const alerts = new SqliteAlertStore(dataDir);
      const accounts = new SqliteAccountStore(dataDir);
      const convs = new SqliteConversationStore(dataDir);
      // One transaction per file: a commit per row (synchronous FULL) would time the disk.
      accounts.db.exec('BEGIN');
      convs.db.exec('BEGIN');
      seeded = await seed(accounts, convs);
      accounts.db.exec('COMMIT');
      convs.db.exec('COMMIT');
      await Promise.all([alerts.close(), accounts.close(), convs.close()]);
    }
    line(`seeded ${ACCOUNTS.toLocaleString('en-US')} accounts, their sessions and ${(ACCOUNTS / 2).toLocaleString('en-US')} conversations in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    for (let i = 0; i < 3; i++) {
      const where: Record<string, string> = databaseUrl ? { DATA_DIR: path.join(dataDir, `node-${i}`), DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir };
      nodes.push(await NodeProcess.start({ ...where, REDIS_URL: redis.url, SESSION_SECRET: SECRET }));
    }
    pool = await ChatPool.connect(PROCESSES, 'roost', nodes.map((n) => n.url), seeded.people);
    const names = nodes.map((_, k) => `node ${k + 1}`);
    return await drive(
      `Roost — ${store === 'postgres' ? 'PostgreSQL, a DATA_DIR per node' : 'SQLite, one DATA_DIR'}, Redis bus, routed to the holders' nodes`,
      pool,
      seeded,
      { ...Object.fromEntries(nodes.map((n, k) => [names[k]!, n.child.pid!])), ...(pg ? { postgresql: { tree: pg.pid } } : {}), redis: redis.pid, ...pool.pids('people') },
      names,
      async () => (await Promise.all(nodes.map((n) => busCounts(n.url)))).reduce((a, b) => ({ sent: a.sent + b.sent, received: a.received + b.received }), { sent: 0, received: 0 }),
    );
  } finally {
    await pool?.close();
    for (const n of nodes) await n.kill('SIGTERM');
    await pg?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function socketIoRun(redis: RedisServer): Promise<Run> {
  const children: ChildProcess[] = [];
  let pool: ChatPool | null = null;
  try {
    const urls: string[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'socketio-chat-node.ts')], { cwd: ROOT, env: { ...process.env, PORT: String(port), REDIS_URL: redis.url }, stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()));
      urls.push(`http://127.0.0.1:${port}`);
    }
    const people: Person[] = Array.from({ length: ACCOUNTS }, (_, i) => ({ account: `acc-bench-${i}`, node: 0 }));
    for (const { renter, host } of pairs(ACCOUNTS)) {
      people[renter]!.node = nodeOf(renter);
      people[host]!.node = hostNode(renter);
    }
    const seeded: Seeded = { people, conversations: pairs(ACCOUNTS).map((p) => `c-bench-${p.renter}`) };
    pool = await ChatPool.connect(PROCESSES, 'socketio', urls, people);
    const names = children.map((_, k) => `socket.io ${k + 1}`);
    return await drive('Socket.IO + @socket.io/redis-adapter — per-user rooms, nothing stored', pool, seeded, { ...Object.fromEntries(children.map((c, k) => [names[k]!, c.pid!])), redis: redis.pid, ...pool.pids('people') }, names, null);
  } finally {
    await pool?.close();
    for (const c of children) c.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  line(`# Messages benchmark — ${ACCOUNTS.toLocaleString('en-US')} people on 3 nodes, ${RATE} messages/s for ${SECONDS} s (after ${WARMUP} s of warm-up), pairs on different nodes`);
  line(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; date ${new Date().toISOString()}`);
  line();
  const systems = String(args.systems).split(',');
  for (const system of systems) {
    const redis = await RedisServer.start();
    try {
      report(system === 'socketio' ? await socketIoRun(redis) : await roostRun(args.store as 'sqlite' | 'postgres', redis));
    } finally {
      await redis.kill();
    }
  }
  process.exit(0);
}

await main();
