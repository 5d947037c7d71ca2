/**
 * The write → alert leg of bench:searches (`--alerts RATE`): the alert matcher as a node
 * runs it — the real AlertMatcher over the store's change log, the saved searches' areas
 * percolating each change, the real alert store committing each batch — while listings are
 * written at RATE a second. Each change is timed from the write sent to the commit of its
 * alerts (the store answers the write after its commit; the matcher finds it by the change
 * log, within its 10 ms gathering).
 */
import os from 'node:os';
import type { ListingRecord } from '../server/core/listing';
import { seededRandom } from '../server/core/seeded-random';
import { AlertMatcher } from '../server/alerts/alert-matcher';
import type { AlertStore, NewAlert } from '../server/alerts/alert-store';
import { SavedSearchAreas } from '../server/engine/saved-search-areas';
import type { SearchEngine } from '../server/engine/search-engine';
import type { ListingStore } from '../server/store/listing-store';
import { CpuAccount } from './cpu-account';
import { fmt, percentiles } from './stats';

export interface AlertLeg {
  store: ListingStore;
  alerts: AlertStore;
  homes: ListingRecord[];
  rate: number;
  seconds: number;
  line: (s?: string) => void;
  /** The PostgreSQL server's pid, whose process tree's CPU is counted with this process's. */
  pgPid?: number;
}

export async function runAlertLeg({ store, alerts, homes, rate, seconds, line, pgPid }: AlertLeg): Promise<void> {
  const areas = new SavedSearchAreas(store);
  let t = performance.now();
  await areas.load();
  line(`alert leg: the matcher's node loaded ${areas.held.searches.toLocaleString('en-US')} areas in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  /** When each change's alerts were committed, and how many; each batch's commit time. */
  const committedAt = new Map<number, number>();
  const alertsOf = new Map<number, number>();
  const commits: number[] = [];
  let rows = 0;
  const timed: AlertStore = Object.create(alerts) as AlertStore;
  timed.commitBatch = async (node: string, from: number, to: number, leaseMs: number, batch: NewAlert[]) => {
    const t0 = performance.now();
    const ids = await alerts.commitBatch(node, from, to, leaseMs, batch);
    const now = performance.now();
    if (ids === null) return ids;
    commits.push(now - t0);
    rows += ids.length;
    for (const a of batch) alertsOf.set(a.seq, (alertsOf.get(a.seq) ?? 0) + 1);
    // Every change of the batch is done now, those that alerted no one too.
    for (let seq = from + 1; seq <= to; seq++) committedAt.set(seq, now);
    return ids;
  };
  const engine = { percolate: (states: ListingRecord[]) => areas.percolate(states) } as unknown as SearchEngine;
  const matcher = new AlertMatcher(timed, engine, store, `bench-${process.pid}`, () => undefined);
  await matcher.start();

  const rand = seededRandom(99);
  const sentAt = new Map<number, number>();
  const live: ListingRecord[] = [];
  const inFlight: Promise<void>[] = [];
  let failed = 0;
  const total = rate * seconds;
  const warm = rate * 3;
  const load0 = os.loadavg()[0]!;
  // CPU per alert row is steadier than a tail on a shared machine; the time spent waiting for a core says how shared.
  const cpu = CpuAccount.start({ 'writer and matcher': process.pid, ...(pgPid !== undefined ? { postgresql: { tree: pgPid } } : {}) });
  t = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Two in three a new home, one in three a price drop of one written before (before and after matched).
    let record: ListingRecord;
    if (live.length < 20 || rand() < 0.67) {
      record = { ...homes[Math.floor(rand() * homes.length)]!, id: `w-${i}`, listedAt: Date.now(), updatedAt: Date.now() };
      live.push(record);
    } else {
      const k = Math.floor(rand() * live.length);
      record = { ...live[k]!, price: Math.round(live[k]!.price * 0.9), updatedAt: Date.now() };
      live[k] = record;
    }
    const sent = performance.now();
    inFlight.push(
      store.write({ op: 'put', record }).then(
        (out) => {
          if (out.event && i >= warm) sentAt.set(out.event.seq, sent);
          matcher.kick();
        },
        // A write the store refused (on PostgreSQL: its transaction idled past the 2 s limit while the matcher held the event loop) is counted, not fatal.
        () => void failed++,
      ),
    );
  }
  await Promise.all(inFlight);
  const last = await store.lastSeq();
  for (let waited = 0; !committedAt.has(last) && waited < 600; waited++) await new Promise((r) => setTimeout(r, 100));
  const elapsed = (performance.now() - t) / 1000;
  const account = cpu.stop();
  await matcher.stop();
  const latency: number[] = [];
  let perChange = 0;
  for (const [seq, at] of sentAt) {
    const done = committedAt.get(seq);
    if (done !== undefined) latency.push(done - at);
    perChange += alertsOf.get(seq) ?? 0;
  }
  const pl = percentiles(latency);
  const pcm = percentiles(commits);
  line(`alert leg: ${total} writes at ${rate}/s (the first 3 s left out), ${latency.length} timed of ${sentAt.size}, ${failed} refused by the store; load average ${load0.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end`);
  line(`write sent → its alerts committed: p50 ${fmt(pl.p50)} ms, p95 ${fmt(pl.p95)} ms, p99 ${fmt(pl.p99)} ms (target p99 ≤ 200 ms)`);
  line(`alerts a change ${(perChange / Math.max(1, sentAt.size)).toFixed(0)}; ${rows.toLocaleString('en-US')} alert rows in ${commits.length} batches (${Math.round(rows / elapsed).toLocaleString('en-US')} a second); a batch's commit p50 ${fmt(pcm.p50)} ms, p99 ${fmt(pcm.p99)} ms`);
  const perRow = (k: string) => ((account.byProcess.find(([name]) => name === k)?.[1] ?? 0) * account.seconds * 1e6) / Math.max(1, rows);
  line(`CPU over the leg (${account.seconds.toFixed(1)} s): ${CpuAccount.describe(account)}; ${CpuAccount.describeQueued(account)}`);
  line(`CPU per alert row: writer and matcher ${perRow('writer and matcher').toFixed(1)} µs${pgPid !== undefined ? `, PostgreSQL ${perRow('postgresql').toFixed(1)} µs` : ''}`);
}
