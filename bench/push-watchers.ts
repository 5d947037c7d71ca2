/**
 * One watcher process of `npm run bench:push`: holds its share of the watchers (Roost's
 * /ws or Socket.IO), and notes when each listing frame arrives, on the epoch clock the
 * writer also reads (performance.timeOrigin + now agree across processes to well under a
 * millisecond here). Watchers live apart from the writer, a few processes of them, as
 * renters' browsers do: one process holding 10,000 sockets and the writes stalled all of
 * them at once whenever it fell behind, and those stalls, not the nodes, set the p99.
 *
 * Driven over IPC by push-bench.ts (messages in WatcherCommand / WatcherReply).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io as ioClient, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { snapBbox } from '../server/core/geotile';

export type SystemKind = 'roost' | 'socketio';

export type WatcherCommand =
  | { cmd: 'connect'; kind: SystemKind; nodes: string[]; watchers: { tile: string; node: number }[] }
  | { cmd: 'start'; tag: string }
  | { cmd: 'count' }
  | { cmd: 'stop' }
  | { cmd: 'close' };

export type WatcherReply =
  | { reply: 'connected' }
  | { reply: 'count'; delivered: number }
  | {
      reply: 'stopped';
      /** Per frame: the write's number in the phase, the node it came from, when it arrived. */
      writes: Int32Array;
      nodes: Int8Array;
      times: Float64Array;
      /** This process's event-loop delay p99 over the phase (ms). */
      lagP99: number;
    };

/** Now, in epoch milliseconds with sub-millisecond precision, comparable across processes. */
export const epochNow = () => performance.timeOrigin + performance.now();

/** A zoom-14 tile as the bbox a Roost watcher watches. */
function tileBbox(tile: string): [number, number, number, number] {
  const [z, x, y] = tile.split('/').map(Number) as [number, number, number];
  const lon = (x / 2 ** z) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * (y + 0.5)) / 2 ** z))) * 180) / Math.PI;
  // The tile itself: a point inside it snapped outward to its edges.
  return snapBbox([lon + 1e-9, lat, lon + 1e-9, lat], z);
}

type OnListing = (id: string) => void;

const CONNECT: Record<SystemKind, (node: string, tile: string, onListing: OnListing) => Promise<{ close(): void }>> = {
  async roost(node, tile, onListing) {
    const ws = new WebSocket(`${node.replace(/^http/, 'ws')}/ws`, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('message', (data) => onListing((JSON.parse(data.toString()) as { listing: { id: string } }).listing.id));
    ws.send(JSON.stringify({ type: 'watch', bbox: tileBbox(tile), filters: {} }));
    return { close: () => ws.terminate() };
  },
  async socketio(node, tile, onListing) {
    const socket: Socket = ioClient(node, { transports: ['websocket'], forceNew: true, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.on('listing', (m: { listing: { id: string } }) => onListing(m.listing.id));
    socket.emit('watch', tile);
    return { close: () => socket.disconnect() };
  },
};

/** Arrivals of the current phase, in growable typed arrays (a million frames is 13 MB). */
class Arrivals {
  writes = new Int32Array(1 << 16);
  nodes = new Int8Array(1 << 16);
  times = new Float64Array(1 << 16);
  n = 0;

  add(write: number, node: number, time: number): void {
    if (this.n === this.times.length) {
      const grow = <T extends Int32Array | Int8Array | Float64Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.writes = grow(this.writes);
      this.nodes = grow(this.nodes);
      this.times = grow(this.times);
    }
    this.writes[this.n] = write;
    this.nodes[this.n] = node;
    this.times[this.n] = time;
    this.n++;
  }
}

function main(): void {
  const clients: { close(): void }[] = [];
  let tag = '';
  let arrivals = new Arrivals();
  const lag = monitorEventLoopDelay({ resolution: 5 });
  const send = (m: WatcherReply) => process.send!(m);

  const onListing = (id: string, node: number) => {
    const at = epochNow();
    // Ids are `${tag}-${n}`: a frame of another phase (there are none once a phase has
    // drained) is not counted in this one.
    const dash = id.lastIndexOf('-');
    if (id.slice(0, dash) !== tag) return;
    arrivals.add(Number(id.slice(dash + 1)), node, at);
  };

  process.on('message', (m: WatcherCommand) => {
    void (async () => {
      if (m.cmd === 'connect') {
        for (let i = 0; i < m.watchers.length; i += 250) {
          const batch = m.watchers.slice(i, i + 250).map((w) => CONNECT[m.kind](m.nodes[w.node]!, w.tile, (id) => onListing(id, w.node)));
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
        send({ reply: 'stopped', writes: a.writes.slice(0, a.n), nodes: a.nodes.slice(0, a.n), times: a.times.slice(0, a.n), lagP99: lag.percentile(99) / 1e6 });
        tag = '';
      } else {
        for (const c of clients) c.close();
        process.exit(0);
      }
    })();
  });
}

main();
