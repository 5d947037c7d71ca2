import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LiveHub } from '../server/realtime/live-hub';

/**
 * The heartbeat on a real socket server: a client that answers pings stays, one that has
 * stopped answering (a phone gone into a tunnel) is closed within two beats. More clients
 * than the heartbeat's turns, so every turn's share is covered end to end.
 */
describe('live socket heartbeat', () => {
  const BEAT_MS = 150;
  let server: http.Server;
  let hub: LiveHub;
  let url: string;

  beforeAll(async () => {
    server = http.createServer();
    hub = new LiveHub({ heartbeatMs: BEAT_MS, maxPerIp: 10_000 });
    hub.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
  });
  afterAll(async () => {
    await hub.close();
    await new Promise((resolve) => server.close(resolve));
  });

  /**
   * A socket once open, and its close as a promise made before it opens: on a slow
   * machine the first silent sockets are dropped while the last are still opening, and a
   * listener added after that would wait for a close that already happened.
   */
  const open = (autoPong: boolean) =>
    new Promise<{ ws: WebSocket; closed: Promise<number> }>((resolve, reject) => {
      const ws = new WebSocket(url, { autoPong });
      const closed = new Promise<number>((done) => ws.once('close', (code) => done(code)));
      ws.once('open', () => resolve({ ws, closed }));
      ws.once('error', reject);
    });

  it('keeps sockets that answer pings and drops those that stopped', async () => {
    const answering = (await Promise.all(Array.from({ length: 300 }, () => open(true)))).map((s) => s.ws);
    const silent = await Promise.all(Array.from({ length: 300 }, () => open(false)));
    // Pinged at one beat, found unanswered at the next; the test's time limit bounds it.
    await Promise.all(silent.map((s) => s.closed));
    await new Promise((r) => setTimeout(r, BEAT_MS * 3));
    expect(answering.filter((ws) => ws.readyState === WebSocket.OPEN)).toHaveLength(300);
    expect(hub.connections.size).toBe(300);
    for (const ws of answering) ws.terminate();
  }, 15_000);
});
