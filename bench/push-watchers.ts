/**
 * One watcher process of `npm run bench:push`, `npm run bench:load` and `npm run
 * bench:alerts`: holds its share of the watchers (Roost's /ws or Socket.IO; for alerts,
 * renters' sockets on their sessions), and notes when each listing or alert frame arrives, on the epoch clock the
 * writer also reads (performance.timeOrigin + now agree across processes to well under a
 * millisecond here). Watchers live apart from the writer, a few processes of them, as
 * renters' browsers do: one process holding 10,000 sockets and the writes stalled all of
 * them at once whenever it fell behind, and those stalls, not the nodes, set the p99.
 *
 * Driven over IPC (messages in WatcherCommand / WatcherReply) through WatcherProcess.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import type { Bbox } from '../server/engine/search-engine';

/** What a watcher is: a Roost map watching a view, a Socket.IO client in a tile's room, or a renter's socket hearing its alerts. */
export type SystemKind = 'roost' | 'socketio' | 'alerts';

/** One watcher: the node it connects to, the view it watches (Roost), its room (Socket.IO: a tile key), its session cookie (alerts). */
export interface WatcherSpec {
  node: number;
  bbox?: Bbox;
  room?: string;
  cookie?: string;
}

export type WatcherCommand =
  | { cmd: 'connect'; kind: SystemKind; nodes: string[]; watchers: WatcherSpec[] }
  | { cmd: 'start'; tag: string }
  | { cmd: 'count' }
  | { cmd: 'stop' }
  | { cmd: 'close' };

export type WatcherReply =
  | { reply: 'connected' }
  | { reply: 'count'; delivered: number }
  | {
      reply: 'stopped';
      /** Per frame: the write's number in the phase, the node it came from, when it arrived, the price it shows. */
      writes: Int32Array;
      nodes: Int8Array;
      times: Float64Array;
      prices: Float64Array;
      /** This process's event-loop delay p99 over the phase (ms). */
      lagP99: number;
      /** Sockets still open, and socket errors since connecting. */
      open: number;
      errors: number;
    };

/** Now, in epoch milliseconds with sub-millisecond precision, comparable across processes. */
export const epochNow = () => performance.timeOrigin + performance.now();

/**
 * A frame of a listing (a listing frame, or an alert's listing): its id and the price it
 * shows — REMOVED for an alert that the home is gone, so a bench can time it from the removal
 * rather than from the write that set that price.
 */
type OnListing = (id: string, price: number) => void;
/** The price an alert frame of a removed home is told with (no price is negative). */
export const REMOVED = -1;

interface Watcher {
  open(): boolean;
  close(): void;
}

/** A Roost socket, open, whose listing frames of `type` (a watch's `listing`, a renter's `alert`) are told to `onListing`. */
async function roostSocket(node: string, headers: Record<string, string>, type: string, onListing: OnListing, onError: () => void): Promise<WebSocket> {
  const ws = new WebSocket(`${node.replace(/^http/, 'ws')}/ws`, { headers, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as { type: string; reason?: string; listing?: { id: string; price: number } };
    if (m.type === type && m.listing) onListing(m.listing.id, m.reason === 'removed' ? REMOVED : m.listing.price);
  });
  ws.on('error', onError);
  return ws;
}

const CONNECT: Record<SystemKind, (node: string, w: WatcherSpec, onListing: OnListing, onError: () => void) => Promise<Watcher>> = {
  async roost(node, w, onListing, onError) {
    const ws = await roostSocket(node, {}, 'listing', onListing, onError);
    ws.send(JSON.stringify({ type: 'watch', bbox: w.bbox, filters: {} }));
    return { open: () => ws.readyState === WebSocket.OPEN, close: () => ws.terminate() };
  },
  async socketio(node, w, onListing, onError) {
    const socket: Socket = ioClient(node, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.on('listing', (m: { listing: { id: string; price: number } }) => onListing(m.listing.id, m.listing.price));
    socket.on('connect_error', onError);
    socket.emit('watch', w.room);
    return { open: () => socket.connected, close: () => socket.disconnect() };
  },
  async alerts(node, w, onListing, onError) {
    const ws = await roostSocket(node, { cookie: w.cookie ?? '' }, 'alert', onListing, onError);
    return { open: () => ws.readyState === WebSocket.OPEN, close: () => ws.terminate() };
  },
};

/** Arrivals of the current phase, in growable typed arrays (a million frames is 21 MB). */
class Arrivals {
  writes = new Int32Array(1 << 16);
  nodes = new Int8Array(1 << 16);
  times = new Float64Array(1 << 16);
  prices = new Float64Array(1 << 16);
  n = 0;

  add(write: number, node: number, time: number, price: number): void {
    if (this.n === this.times.length) {
      const grow = <T extends Int32Array | Int8Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.writes = grow(this.writes);
      this.nodes = grow(this.nodes);
      this.times = grow(this.times);
      this.prices = grow(this.prices);
    }
    this.writes[this.n] = write;
    this.nodes[this.n] = node;
    this.times[this.n] = time;
    this.prices[this.n] = price;
    this.n++;
  }
}

function main(): void {
  const clients: Watcher[] = [];
  let errors = 0;
  let tag = '';
  let arrivals = new Arrivals();
  const lag = monitorEventLoopDelay({ resolution: 5 });
  const send = (m: WatcherReply) => process.send!(m);

  const onListing = (id: string, price: number, node: number) => {
    const at = epochNow();
    // Ids are `${tag}-${n}`: a frame of another phase (there are none once a phase has
    // drained) is not counted in this one.
    const dash = id.lastIndexOf('-');
    if (id.slice(0, dash) !== tag) return;
    arrivals.add(Number(id.slice(dash + 1)), node, at, price);
  };

  process.on('message', (m: WatcherCommand) => {
    void (async () => {
      if (m.cmd === 'connect') {
        for (let i = 0; i < m.watchers.length; i += 250) {
          const batch = m.watchers.slice(i, i + 250).map((w) =>
            CONNECT[m.kind](m.nodes[w.node]!, w, (id, price) => onListing(id, price, w.node), () => errors++),
          );
          clients.push(...(await Promise.all(batch)));
        }
        send({ reply: 'connected' });
      } else if (m.cmd === 'start') {
        tag = m.tag;
        arrivals = new Arrivals();
        lag.reset();
        lag.enable();
      } else if (m.cmd === 'count') {
        send({ reply: 'count', delivered: arrivals.n });
      } else if (m.cmd === 'stop') {
        lag.disable();
        const a = arrivals;
        send({
          reply: 'stopped',
          writes: a.writes.slice(0, a.n),
          nodes: a.nodes.slice(0, a.n),
          times: a.times.slice(0, a.n),
          prices: a.prices.slice(0, a.n),
          lagP99: lag.percentile(99) / 1e6,
          open: clients.filter((c) => c.open()).length,
          errors,
        });
        tag = '';
      } else {
        for (const c of clients) c.close();
        process.exit(0);
      }
    })();
  });
}

const AS_WATCHER = '--as-watcher-process';

/** A watcher process, seen from the bench that started it: tell it something, or ask and wait. */
class WatcherProcess {
  private constructor(readonly child: ChildProcess) {}

  static start(): WatcherProcess {
    // Advanced serialisation: arrivals come back as typed arrays, not JSON.
    const child = fork(path.join(import.meta.dirname, 'push-watchers.ts'), [AS_WATCHER], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: 'inherit' });
    return new WatcherProcess(child);
  }

  tell(m: WatcherCommand): void {
    this.child.send(m);
  }

  ask<R extends WatcherReply['reply']>(m: WatcherCommand, reply: R): Promise<Extract<WatcherReply, { reply: R }>> {
    return new Promise((resolve, reject) => {
      const onMessage = (r: WatcherReply) => {
        if (r.reply !== reply) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        resolve(r as Extract<WatcherReply, { reply: R }>);
      };
      const onExit = (code: number | null) => reject(new Error(`watcher process exited (${code}) before answering ${m.cmd}`));
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send(m);
    });
  }

  /** Closes its sockets and waits for it to exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.tell({ cmd: 'close' });
    await exited;
  }
}

/** What the watcher processes saw in a phase, all together. */
export interface PhaseArrivals {
  /** Every frame: the write's number in the phase, the node it came from, when it arrived, the price it shows. */
  each(visit: (write: number, node: number, time: number, price: number) => void): void;
  /** The worst watcher process's event-loop delay p99 (ms). */
  lagP99: number;
  open: number;
  errors: number;
}

/** A few watcher processes holding a bench's watchers between them, dealt round robin. */
export class WatcherPool {
  private constructor(private readonly procs: WatcherProcess[]) {}

  static async connect(processes: number, kind: SystemKind, nodes: string[], watchers: WatcherSpec[]): Promise<WatcherPool> {
    const pool = new WatcherPool(Array.from({ length: processes }, () => WatcherProcess.start()));
    try {
      await Promise.all(pool.procs.map((p, k) => p.ask({ cmd: 'connect', kind, nodes, watchers: watchers.filter((_, i) => i % processes === k) }, 'connected')));
    } catch (err) {
      await pool.close();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.procs.length;
  }

  /** The processes for a CPU account, named `${label} 1`, `${label} 2`, … */
  pids(label: string): Record<string, number> {
    return Object.fromEntries(this.procs.map((p, i) => [`${label} ${i + 1}`, p.child.pid!]));
  }

  /** A phase begins: frames of writes numbered `${tag}-N` are noted from now. */
  start(tag: string): void {
    for (const p of this.procs) p.tell({ cmd: 'start', tag });
  }

  async delivered(): Promise<number> {
    return (await Promise.all(this.procs.map((p) => p.ask({ cmd: 'count' }, 'count')))).reduce((a, r) => a + r.delivered, 0);
  }

  /** Waits until nothing has arrived for a second: the stragglers of a phase. */
  async settle(): Promise<void> {
    for (let last = -1, now = await this.delivered(); last !== now; ) {
      last = now;
      await new Promise((r) => setTimeout(r, 1_000));
      now = await this.delivered();
    }
  }

  async stop(): Promise<PhaseArrivals> {
    const replies = await Promise.all(this.procs.map((p) => p.ask({ cmd: 'stop' }, 'stopped')));
    return {
      each(visit) {
        for (const r of replies) for (let k = 0; k < r.times.length; k++) visit(r.writes[k]!, r.nodes[k]!, r.times[k]!, r.prices[k]!);
      },
      lagP99: Math.max(...replies.map((r) => r.lagP99)),
      open: replies.reduce((a, r) => a + r.open, 0),
      errors: replies.reduce((a, r) => a + r.errors, 0),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.close()));
  }
}

// Started by WatcherProcess.start: a watcher process. Imported by a bench: nothing runs.
if (process.argv.includes(AS_WATCHER) && process.send) main();
