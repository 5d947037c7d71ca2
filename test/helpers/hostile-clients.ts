/**
 * Clients that attack a node as an internet stranger would, each from its own loopback
 * address (127.0.0.2, 127.0.0.3, …: Linux routes all of 127/8 to lo, so a socket bound to
 * one arrives from it), and a probe from 127.0.0.1 that times /healthz meanwhile.
 *
 * The attacks run in a child process of their own (`spawnAttack`): in the probe's process
 * their sending would delay the probe's own reading and blame the server for it.
 *   node --import tsx test/helpers/hostile-clients.ts ATTACK URL CLIENTS
 * runs one until SIGTERM, then prints one JSON line of what it did.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';

export const ATTACKS = ['polygon', 'frames', 'connections', 'trickle'] as const;
export type AttackName = (typeof ATTACKS)[number];

/** The loopback addresses of `n` hostile clients, never 127.0.0.1 (the probe's). */
export function hostileAddresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `127.0.${Math.floor(i / 250)}.${(i % 250) + 2}`);
}

/**
 * A drawn area of about `corners` corners over the demo city, each kind slow in its own
 * way before the ring index: a wiggly lasso (long boundary), a star (spikes through many
 * cells), a comb (teeth spanning the whole height). Three decimals keep a 950-corner URL
 * under Node's 16 KiB limit for a request's head.
 */
export function attackPolygon(kind: number, corners = 950, variant = 0): string {
  // Each variant moves the area by a few metres: an attacker need not repeat itself, so
  // the node's cache of recent areas (engine/embedded/ring-index.ts) must not be what saves it.
  const shift = variant * 0.001;
  const [w, s, e, n] = [-74.26 + shift, 40.49, -73.74 + shift, 40.91];
  const cx = (w + e) / 2;
  const cy = (s + n) / 2;
  const rx = (e - w) / 2;
  const ry = (n - s) / 2;
  const points: [number, number][] = [];
  if (kind % 3 === 2) {
    const teeth = corners - 2;
    for (let t = 0; t < teeth; t++) points.push([w + ((e - w) * t) / teeth, t % 2 ? s : n]);
    points.push([e + 0.01, s - 0.01], [w - 0.01, s - 0.01]);
  } else {
    for (let i = 0; i < corners; i++) {
      const a = (2 * Math.PI * i) / corners;
      const r = kind % 3 === 0 ? 0.5 + 0.45 * Math.sin(i * 7.3) * Math.cos(i * 1.7) : i % 2 ? 0.2 : 0.95;
      points.push([cx + r * rx * Math.cos(a), cy + r * ry * Math.sin(a)]);
    }
  }
  return points.map(([x, y]) => `${x.toFixed(3)},${y.toFixed(3)}`).join(',');
}

interface Tally {
  requests: number;
  statuses: Record<string, number>;
  errors: number;
  closedByServer: number;
  open: number;
}

type Stop = () => void;

function count(t: Tally, status: number | string): void {
  t.statuses[status] = (t.statuses[status] ?? 0) + 1;
}

/** Each client keeps one 950-corner drawn-area search in flight, city-wide at district and listing zoom. */
function polygon(url: URL, addresses: string[], t: Tally): Stop {
  let stopped = false;
  addresses.forEach((localAddress, c) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let i = c;
    const next = () => {
      if (stopped) return;
      const zoom = i % 2 ? 11 : 16;
      const req = http.get(
        { host: url.hostname, port: url.port, localAddress, agent, path: `/api/search?bbox=-74.3,40.45,-73.7,40.95&zoom=${zoom}&polygon=${attackPolygon(i % 3, 950, (c * 1000 + i++) % 50)}` },
        (res) => {
          count(t, res.statusCode ?? 0);
          res.resume();
          res.on('end', () => setImmediate(next));
        },
      );
      t.requests++;
      req.on('error', () => {
        t.errors++;
        setTimeout(next, 10);
      });
    };
    next();
  });
  return () => (stopped = true);
}

/** Each client floods its sockets with frames (junk and watches), reconnecting whenever the server closes one. */
function frames(url: URL, addresses: string[], t: Tally): Stop {
  let stopped = false;
  const junk = '{"type":"watch","bbox":[1,2,3'.repeat(100);
  const watch = JSON.stringify({ type: 'watch', bbox: [-74.1, 40.6, -73.8, 40.9], filters: { priceMin: 1000 } });
  const sockets = new Set<WebSocket>();
  const connect = (localAddress: string) => {
    if (stopped) return;
    const ws = new WebSocket(`ws://${url.host}/ws`, { localAddress });
    sockets.add(ws);
    let timer: NodeJS.Timeout | null = null;
    ws.on('open', () => {
      t.open++;
      timer = setInterval(() => {
        // As much as the socket takes without piling up in this process.
        for (let k = 0; k < 200 && ws.bufferedAmount < 1 << 20; k++) {
          ws.send(k % 2 ? junk : watch);
          t.requests++;
        }
      }, 1);
    });
    ws.on('message', () => count(t, 'frame back'));
    ws.on('close', (code) => {
      if (timer) clearInterval(timer);
      sockets.delete(ws);
      if (!stopped) {
        t.closedByServer++;
        count(t, `closed ${code}`);
        setTimeout(() => connect(localAddress), 20);
      }
    });
    ws.on('error', () => t.errors++);
  };
  for (const a of addresses) connect(a);
  return () => {
    stopped = true;
    for (const ws of sockets) ws.terminate();
  };
}

/**
 * Each client opens connections and sends nothing, or a request head a line at a time
 * (slowloris), as many as it can hold, opening more as the server closes them.
 */
function connections(url: URL, addresses: string[], t: Tally, perAddress = 400): Stop {
  let stopped = false;
  const sockets = new Set<net.Socket>();
  const open = (localAddress: string, k: number) => {
    if (stopped) return;
    const s = net.connect({ host: url.hostname, port: Number(url.port), localAddress });
    sockets.add(s);
    let drip: NodeJS.Timeout | null = null;
    s.on('connect', () => {
      t.open++;
      t.requests++;
      if (k % 2) {
        s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
        drip = setInterval(() => s.write('X-Slow: 1\r\n'), 1_000);
      }
    });
    s.on('data', (d) => count(t, d.toString().slice(9, 12)));
    s.on('error', () => t.errors++);
    s.on('close', () => {
      if (drip) clearInterval(drip);
      sockets.delete(s);
      if (!stopped) {
        t.closedByServer++;
        setTimeout(() => open(localAddress, k), 50);
      }
    });
  };
  addresses.forEach((a) => {
    for (let k = 0; k < perAddress; k++) open(a, k);
  });
  return () => {
    stopped = true;
    for (const s of sockets) s.destroy();
  };
}

/** Each client sends bodies a byte a second on many connections (reconnecting a second after the server closes one). */
function trickle(url: URL, addresses: string[], t: Tally, perAddress = 50): Stop {
  let stopped = false;
  const sockets = new Set<net.Socket>();
  const open = (localAddress: string) => {
    if (stopped) return;
    const s = net.connect({ host: url.hostname, port: Number(url.port), localAddress });
    sockets.add(s);
    let drip: NodeJS.Timeout | null = null;
    s.on('connect', () => {
      t.open++;
      t.requests++;
      s.write('POST /api/saved-searches HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n');
      drip = setInterval(() => s.write(' '), 1_000);
    });
    s.on('data', (d) => count(t, d.toString().slice(9, 12)));
    s.on('error', () => t.errors++);
    s.on('close', () => {
      if (drip) clearInterval(drip);
      sockets.delete(s);
      if (!stopped) {
        t.closedByServer++;
        setTimeout(() => open(localAddress), 1_000);
      }
    });
  };
  for (const a of addresses) for (let k = 0; k < perAddress; k++) open(a);
  return () => {
    stopped = true;
    for (const s of sockets) s.destroy();
  };
}

/** A running attack in its own process. */
export interface RunningAttack {
  child: ChildProcess;
  /** Stops it; resolves to what it did. */
  stop(): Promise<Tally>;
}

/**
 * Starts an attack in its own process. `nice`: its scheduling priority (Linux `nice -n`);
 * a real attacker's CPU is not the node's, while on one machine the attack's process
 * competes with the node for the same cores.
 */
export function spawnAttack(name: AttackName, url: string, clients: number, nice = 0): RunningAttack {
  const command = [process.execPath, '--import', 'tsx', path.join(import.meta.dirname, 'hostile-clients.ts'), name, url, String(clients)];
  const child = spawn(nice ? 'nice' : command[0]!, nice ? ['-n', String(nice), ...command] : command.slice(1), {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return {
    child,
    stop: () =>
      new Promise((resolve, reject) => {
        child.once('exit', () => {
          try {
            resolve(JSON.parse(out.trim().split('\n').pop()!) as Tally);
          } catch {
            reject(new Error(`attack ${name} printed no tally: ${out}`));
          }
        });
        child.kill('SIGTERM');
      }),
  };
}

export interface ProbeResult {
  /** Latency of each answered /healthz, ms. */
  latencies: number[];
  /** Probes that failed or had no answer within their timeout. */
  failed: number;
}

/**
 * Times GET /healthz from 127.0.0.1 on a fresh connection each time (as a load balancer's
 * check arrives), one after another with `gapMs` between, until stopped.
 */
export function startProbe(url: string, gapMs = 20, timeoutMs = 10_000): { stop(): Promise<ProbeResult> } {
  const target = new URL(url);
  const result: ProbeResult = { latencies: [], failed: 0 };
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve();
  const once = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = http.get({ host: target.hostname, port: target.port, path: '/healthz', localAddress: '127.0.0.1', agent: false, timeout: timeoutMs }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) result.latencies.push(performance.now() - started);
          else result.failed++;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('probe timed out')));
      req.on('error', () => {
        result.failed++;
        resolve();
      });
    });
  const loop = async () => {
    while (!stopped) {
      inFlight = once();
      await inFlight;
      await new Promise((r) => setTimeout(r, gapMs));
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      await running;
      return result;
    },
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const [name, url, clients] = process.argv.slice(2) as [AttackName, string, string];
  const tally: Tally = { requests: 0, statuses: {}, errors: 0, closedByServer: 0, open: 0 };
  const run = { polygon, frames, connections, trickle }[name];
  if (!run) {
    process.stderr.write(`hostile-clients: unknown attack ${name}; one of ${ATTACKS.join(', ')}\n`);
    process.exit(2);
  }
  const stop = run(new URL(url), hostileAddresses(Number(clients)), tally);
  process.once('SIGTERM', () => {
    stop();
    process.stdout.write(`${JSON.stringify(tally)}\n`);
    process.exit(0);
  });
}
