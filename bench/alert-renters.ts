/**
 * One renters process of `npm run bench:alerts`: holds its share of the renters' sockets
 * and notes when each alert frame arrives, on the epoch clock the writer also reads. The
 * renters live apart from the writer, a few processes of them, as their browsers do (the
 * push benchmark's watchers learned it first, push-watchers.ts): 1,000 sockets receiving
 * 24,000 frames a second in the writer's own process kept its event loop 40 % busy, and
 * every frame waited its turn there before it was timed.
 *
 * Driven over IPC (RenterCommand / RenterReply) through RenterProcess.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import WebSocket from 'ws';
import { doubled } from './doubled';
import { epochNow } from './push-watchers';

export type RenterCommand = { cmd: 'connect'; sockets: { url: string; cookie: string }[] } | { cmd: 'count' } | { cmd: 'stop' };

export type RenterReply =
  | { reply: 'connected' }
  | { reply: 'count'; alerts: number }
  /** Per alert frame: its listing (an index into `ids`), the price it shows, when it arrived. */
  | { reply: 'stopped'; ids: string[]; listing: Int32Array; price: Float64Array; times: Float64Array; errors: number };

/** Arrivals in growable typed arrays (half a million frames is 10 MB). */
class Arrivals {
  readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  listing = new Int32Array(1 << 16);
  price = new Float64Array(1 << 16);
  times = new Float64Array(1 << 16);
  n = 0;

  add(id: string, price: number, time: number): void {
    if (this.n === this.times.length) {
      this.listing = doubled(this.listing);
      this.price = doubled(this.price);
      this.times = doubled(this.times);
    }
    let k = this.index.get(id);
    if (k === undefined) {
      this.index.set(id, (k = this.ids.length));
      this.ids.push(id);
    }
    this.listing[this.n] = k;
    this.price[this.n] = price;
    this.times[this.n] = time;
    this.n++;
  }
}

function main(): void {
  const sockets: WebSocket[] = [];
  const arrivals = new Arrivals();
  let errors = 0;
  const send = (m: RenterReply) => process.send!(m);
  process.on('message', (m: RenterCommand) => {
    void (async () => {
      if (m.cmd === 'connect') {
        for (const { url, cookie } of m.sockets) {
          const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers: { cookie }, perMessageDeflate: false });
          await new Promise<void>((resolve, reject) => {
            ws.once('open', () => resolve());
            ws.once('error', reject);
          });
          ws.on('message', (data) => {
            const at = epochNow();
            const frame = JSON.parse(data.toString()) as { type: string; listing?: { id: string; price: number } };
            if (frame.type === 'alert' && frame.listing) arrivals.add(frame.listing.id, frame.listing.price, at);
          });
          ws.on('error', () => errors++);
          sockets.push(ws);
        }
        send({ reply: 'connected' });
      } else if (m.cmd === 'count') {
        send({ reply: 'count', alerts: arrivals.n });
      } else if (m.cmd === 'stop') {
        for (const ws of sockets) ws.terminate();
        const n = arrivals.n;
        send({ reply: 'stopped', ids: arrivals.ids, listing: arrivals.listing.slice(0, n), price: arrivals.price.slice(0, n), times: arrivals.times.slice(0, n), errors });
        setTimeout(() => process.exit(0), 100);
      }
    })();
  });
}

/** The parent's handle on one renters process. */
export class RenterProcess {
  private readonly waiting: ((m: RenterReply) => void)[] = [];

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: RenterReply) => this.waiting.shift()?.(m));
  }

  static spawn(): RenterProcess {
    // Advanced serialisation: the typed arrays cross as they are, not as JSON.
    return new RenterProcess(fork(path.join(import.meta.dirname, 'alert-renters.ts'), ['--child'], { execArgv: ['--import', 'tsx'], serialization: 'advanced' }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  private ask<R extends RenterReply>(cmd: RenterCommand): Promise<R> {
    return new Promise((resolve) => {
      this.waiting.push((m) => resolve(m as R));
      this.child.send(cmd);
    });
  }

  async connect(sockets: { url: string; cookie: string }[]): Promise<void> {
    await this.ask({ cmd: 'connect', sockets });
  }

  async count(): Promise<number> {
    return (await this.ask<Extract<RenterReply, { reply: 'count' }>>({ cmd: 'count' })).alerts;
  }

  stop(): Promise<Extract<RenterReply, { reply: 'stopped' }>> {
    return this.ask({ cmd: 'stop' });
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

if (process.argv.includes('--child')) main();
