/**
 * npm run bench:fanout [-- --sockets 500 --messages 400 --rounds 3]
 *
 * What one message to many sockets costs the sending process: the same listing frame sent
 * to every socket with ws's `send` (framing per socket) and as one PreparedFrame (framed
 * once, one write a socket), alternating, in CPU microseconds (user and kernel) per
 * message. The readers are another process draining on loopback.
 */
import { fork } from 'node:child_process';
import http from 'node:http';
import { parseArgs } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';
import { PreparedFrame } from '../server/realtime/prepared-frame';

if (process.argv[2] === 'client') {
  const [port, n] = [Number(process.argv[3]), Number(process.argv[4])];
  let got = 0;
  let open = 0;
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
    ws.on('open', () => { if (++open === n) process.send!('open'); });
    ws.on('message', () => { got++; });
  }
  process.on('message', () => process.send!(got));
} else {
  const { values: args } = parseArgs({ options: { sockets: { type: 'string', default: '500' }, messages: { type: 'string', default: '400' }, rounds: { type: 'string', default: '3' } } });
  const N = Number(args.sockets);
  const M = Number(args.messages);
  console.log(`# Fan-out: ${N} sockets × ${M} messages a round, ${args.rounds} rounds each way; Node ${process.version}`);
  const server = http.createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const socks: WebSocket[] = [];
  wss.on('connection', (ws) => socks.push(ws));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const child = fork(import.meta.filename, ['client', String(port), String(N)], { execArgv: ['--import', 'tsx'] });
  // Rounds end when the reader has counted every message; it answers with its count.
  await new Promise((r) => child.once('message', r));
  const text = JSON.stringify({ type: 'listing', op: 'upsert', listing: { id: 'abc-123456', title: 'Bench listing with a name of ordinary length', lat: 40.7523, lon: -73.9876, price: 2150, type: 'entire', district: 'Manhattan', neighbourhood: 'Midtown', bedrooms: 2, listedAt: '2026-12-01T21:00:00.000Z', updatedAt: '2026-12-01T21:00:00.000Z' } });
  const total = () => new Promise<number>((r) => { child.once('message', (m) => r(m as number)); child.send('count'); });
  const modes = Array.from({ length: Number(args.rounds) }, () => ['send', 'prepared']).flat();
  for (const mode of modes) {
    const before = await total();
    const cpu = process.cpuUsage();
    const t = performance.now();
    for (let m = 0; m < M; m++) {
      if (mode === 'send') for (const s of socks) s.send(text);
      else { const f = new PreparedFrame(text); for (const s of socks) PreparedFrame.writeAll(s, [f]); }
      // Let the sockets drain now and then, as a node between changes does.
      if (m % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    const d = process.cpuUsage(cpu);
    const wall = performance.now() - t;
    while ((await total()) < before + N * M) await new Promise((r) => setTimeout(r, 50));
    console.log(mode.padEnd(9), `cpu ${((d.user + d.system) / (N * M)).toFixed(2)} µs/msg (user ${(d.user / (N * M)).toFixed(2)}, sys ${(d.system / (N * M)).toFixed(2)}), wall ${(wall * 1000 / (N * M)).toFixed(2)} µs/msg`);
  }
  child.kill();
  process.exit(0);
}
