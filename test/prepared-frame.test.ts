import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { PreparedFrame } from '../server/realtime/prepared-frame';

/** A real ws server and client on loopback: what the client reads is what the frame wrote. */
describe('a frame prepared once and written to many sockets', () => {
  let server: http.Server;
  let wss: WebSocketServer;
  let port = 0;
  const accepted: WebSocket[] = [];

  beforeAll(async () => {
    server = http.createServer();
    wss = new WebSocketServer({ server, perMessageDeflate: false });
    wss.on('connection', (ws) => accepted.push(ws));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const ws of accepted) ws.terminate();
    await new Promise((r) => wss.close(r));
    await new Promise((r) => server.close(r));
  });

  async function clients(n: number): Promise<{ ws: WebSocket; got: string[] }[]> {
    const before = accepted.length;
    const out = await Promise.all(
      Array.from({ length: n }, async () => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}`);
        const got: string[] = [];
        ws.on('message', (data, isBinary) => got.push(isBinary ? '<binary>' : data.toString()));
        await new Promise((r) => ws.once('open', r));
        return { ws, got };
      }),
    );
    while (accepted.length < before + n) await new Promise((r) => setTimeout(r, 5));
    return out;
  }

  it('arrives whole as a text message at every length the header encodes differently', async () => {
    const [a, b] = await clients(2);
    // 7-bit, 16-bit and 64-bit payload lengths, and text that is not ASCII.
    const texts = ['', 'x', 'é'.repeat(62), 'y'.repeat(125), 'z'.repeat(126), '房'.repeat(30_000), 'w'.repeat(70_000)];
    const sockets = accepted.slice(-2);
    // An idle socket takes the framed bytes as they are: send() (framing per socket) is not used.
    for (const ws of sockets) ws.send = () => expect.fail('fell back to send()');
    for (const t of texts) {
      const frame = new PreparedFrame(t);
      for (const ws of sockets) PreparedFrame.writeAll(ws, [frame]);
    }
    for (const c of [a!, b!]) {
      await expect.poll(() => c.got.length).toBe(texts.length);
      expect(c.got).toEqual(texts);
      c.ws.close();
    }
  });

  it('keeps its place among messages sent the ordinary way, alone or several in one write', async () => {
    const [c] = await clients(1);
    const ws = accepted.at(-1)!;
    const want: string[] = [];
    for (let i = 0; i < 200; i++) {
      const text = JSON.stringify({ i });
      want.push(text);
      if (i % 3 === 0) ws.send(text);
      else if (i % 3 === 1) PreparedFrame.writeAll(ws, [new PreparedFrame(text)]);
      else {
        // Several frames in one write arrive as as many messages.
        const more = [JSON.stringify({ i, part: 2 }), JSON.stringify({ i, part: 3 })];
        want.push(...more);
        PreparedFrame.writeAll(ws, [text, ...more].map((t) => new PreparedFrame(t)));
      }
    }
    await expect.poll(() => c!.got.length).toBe(want.length);
    expect(c!.got).toEqual(want);
    c!.ws.close();
  });
});
