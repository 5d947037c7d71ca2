import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRoost } from '../server/app-server';
import { loadConfig } from '../server/config';
import { LiveClient } from './helpers/live-client';
import { NodeProcess } from './helpers/node-process';
import { startApi, tempDir, secretForTests } from './helpers/roost';

const TOKEN = secretForTests();
const SEARCH = '/api/search?bbox=-74.1,40.6,-73.8,40.9&zoom=12';
const home = { title: 'Ops home', lat: 40.75, lon: -73.98, price: 2000, type: 'entire', district: 'Manhattan', neighbourhood: 'Midtown' };

describe('abuse limits', () => {
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    api = await startApi(tempDir('limits'), { ADMIN_TOKEN: TOKEN, RATE_SEARCH_PER_S: '2', RATE_WRITE_PER_S: '1', WS_MAX_PER_IP: '2', WS_FRAMES_PER_S: '1' });
  });
  afterAll(async () => api?.close());

  it('searches past the per-address budget get 429 with Retry-After and the error JSON', async () => {
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${api.url}${SEARCH}`);
      statuses.push(res.status);
      if (res.status === 429) limited = res;
      else await res.arrayBuffer();
    }
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]); // the burst: twice the rate
    expect(statuses).toContain(429);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited!.json()).toEqual({ error: { code: 'rate_limited', message: expect.stringMatching(/too many searches/) } });
  });

  it('writes have their own budget', async () => {
    const post = () =>
      fetch(`${api.url}/api/listings`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(home) });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post()).status);
    expect(statuses.slice(0, 2)).toEqual([201, 201]);
    expect(statuses).toContain(429);
  });

  it('caps sockets per address and frames per second per socket; a socket that keeps over its budget is closed', async () => {
    const a = await LiveClient.connect(api.url);
    const b = await LiveClient.connect(api.url);
    await expect(LiveClient.connect(api.url)).rejects.toThrow(/429/);
    for (let i = 0; i < 6; i++) a.send({ type: 'watch', bbox: [0, 0, 1, 1] });
    expect(await a.next((m) => m.type === 'error')).toMatchObject({ code: 'rate_limited' });
    // Told once, not once per frame; a socket that keeps going past its budget is closed (policy violation).
    expect(await a.closed()).toBe(1008);
    expect(a.messages.filter((m) => m.type === 'error')).toHaveLength(1);
    b.close();
    // A closed socket frees its place.
    const c = await LiveClient.connect(api.url);
    c.close();
  });
});

describe('headers, request ids, metrics, early refusals', () => {
  let roost: Awaited<ReturnType<typeof startRoost>>;
  let url: string;
  beforeAll(async () => {
    const config = loadConfig({
      DATA_DIR: tempDir('ops'),
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO_LISTINGS: '0',
      ADMIN_TOKEN: TOKEN,
      TILE_URL: 'https://tiles.example.org/{z}/{x}/{y}.png',
    });
    // A stand-in page renderer: the headers are the server's, whatever renders the page.
    roost = await startRoost(config, {
      pages: async (req, res) => {
        // Like Next.js, this renderer reads the nonce from the request's CSP header (and, like it, decodes the path).
        decodeURIComponent(req.url ?? '/');
        const nonce = /'nonce-([^']+)'/.exec(String(req.headers['content-security-policy']))?.[1];
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<!doctype html><p>page</p><!-- renderer saw nonce ${nonce} -->`);
      },
    });
    url = `http://127.0.0.1:${roost.port}`;
  });
  afterAll(async () => roost?.close());

  it('pages carry a CSP: scripts only with a fresh nonce (handed to the renderer), images only from us and the tile host; no framing, no sniffing', async () => {
    const res = await fetch(`${url}/`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'self'");
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]{22,})' 'strict-dynamic'(;|$)/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    // What Next.js reads the nonce from: the request's own CSP header, the same policy.
    expect(await res.text()).toContain(`renderer saw nonce ${nonce}`);
    // A listing's photo on another host would learn who looks at it: images from us, data: and the tiles only.
    expect(csp).toMatch(/img-src 'self' data: https:\/\/tiles\.example\.org(;|$)/);
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/\*(?!\.)/);
    const again = (await fetch(`${url}/`)).headers.get('content-security-policy')!;
    expect(again).not.toContain(nonce);
    // A client's own CSP request header is never what the renderer sees.
    const forged = await fetch(`${url}/`, { headers: { 'content-security-policy': "script-src 'nonce-chosenbytheclient0000'" } });
    expect(await forged.text()).not.toContain('chosenbytheclient');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax$/);
    // A client's X-Forwarded-Proto is not a proxy's (TRUST_PROXY=0 here): no Secure from it.
    const https = await fetch(`${url}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(https.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax$/);
    // HSTS only when the request came over TLS; a client's X-Forwarded-Proto is not a proxy's (TRUST_PROXY=0 here).
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(https.headers.get('strict-transport-security')).toBeNull();
  });

  it('a path that does not percent-decode is a 400 naming the path, on pages and the API alike', async () => {
    for (const path of ['/listings/%', '/listings/%E0%A4%A', '/%zz', '/api/listings/%']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status, path).toBe(400);
      expect((await res.json()).error, path).toMatchObject({ code: 'bad_request' });
    }
  });

  it('every response has a request id; a sane incoming one is kept', async () => {
    const res = await fetch(`${url}${SEARCH}`);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
    const replaced = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).not.toContain('<');
  });

  it('/metrics speaks Prometheus: latency per route, search per level, sockets, pushes, alerts, bus lag, backlog', async () => {
    const c = await LiveClient.connect(url);
    await c.watch([-74.0, 40.74, -73.97, 40.77]);
    await fetch(`${url}${SEARCH}`);
    await fetch(`${url}/api/listings`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(home) });
    await c.next((m) => m.type === 'listing');
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/roost_http_request_duration_seconds_count\{route="\/api\/search",method="GET",status="200"\} [1-9]/);
    expect(text).toMatch(/roost_http_request_duration_seconds_count\{route="\/api\/listings",method="POST",status="201"\} 1$/m);
    expect(text).toMatch(/roost_search_duration_seconds_count\{level="neighbourhood"\} [1-9]/);
    expect(text).toMatch(/^roost_open_sockets 1$/m);
    expect(text).toMatch(/^roost_live_messages_pushed_total 1$/m);
    expect(text).toMatch(/^roost_live_socket_writes_total 1$/m);
    expect(text).toMatch(/^roost_alerts_delivered_total 0$/m);
    expect(text).toMatch(/^roost_bus_lag_seconds_count 1$/m);
    expect(text).toMatch(/^roost_search_index_lag 0$/m);
    expect(text).toMatch(/^roost_event_log_backlog \d+$/m);
    expect(text).toMatch(/^roost_process_resident_memory_bytes \d+/m);
    c.close();
  });

  /**
   * Sends a request's head, then body bytes until the server answers or closes: returns the
   * answer, how many body bytes went out, and whether the server closed the connection.
   */
  async function oversized(head: string, chunked: boolean): Promise<{ answer: string; sent: number; closed: boolean }> {
    return new Promise((resolve) => {
      const s = net.connect(roost.port, '127.0.0.1');
      let answer = '';
      let sent = 0;
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = setInterval(() => {
        if (s.destroyed || sent > 8 * 1024 * 1024) return;
        s.write(chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk);
        sent += chunk.length;
      }, 2);
      const timeout = setTimeout(() => s.destroy(), 5_000);
      s.on('data', (d) => (answer += d.toString()));
      s.on('error', () => undefined);
      s.on('close', () => {
        clearInterval(pump);
        clearTimeout(timeout);
        resolve({ answer, sent, closed: sent <= 8 * 1024 * 1024 });
      });
      s.write(head);
    });
  }
  const postHead = `POST /api/listings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\n`;

  it('refuses an oversized body from its Content-Length, answers 413 and closes without reading it', async () => {
    const r = await oversized(`${postHead}Content-Length: 50000000\r\n\r\n`, false);
    expect(r.answer).toMatch(/^HTTP\/1.1 413/);
    expect(r.answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(r.answer).toContain('"code":"payload_too_large"');
    // The server closed the connection long before the 50 MB (or our 8 MB cap) went out.
    expect(r.closed).toBe(true);
  });

  it('refuses an upload without the token before its body, and closes instead of reading it', async () => {
    const head = `POST /api/listings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n`;
    const r = await oversized(head, false);
    expect(r.answer).toMatch(/^HTTP\/1.1 401/);
    expect(r.answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(r.closed).toBe(true);
  });

  it('refuses a chunked body once it passes the limit, answers 413 and closes', async () => {
    const r = await oversized(`${postHead}Transfer-Encoding: chunked\r\n\r\n`, true);
    expect(r.answer).toMatch(/^HTTP\/1.1 413/);
    expect(r.answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(r.closed).toBe(true);
  });
});

describe('graceful shutdown on SIGTERM', () => {
  it('finishes the request in flight, closes sockets with 1001, refuses new work, exits 0 within 10 s', async () => {
    const node = await NodeProcess.start({ DATA_DIR: tempDir('shutdown'), ADMIN_TOKEN: TOKEN });
    const port = Number(new URL(node.url).port);
    const socket = await LiveClient.connect(node.url);
    const body = JSON.stringify({ ...home, id: 'in-flight' });
    // Half a request on the wire when the signal arrives.
    const raw = net.connect(port, '127.0.0.1');
    await new Promise((r) => raw.once('connect', r));
    raw.write(`POST /api/listings HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body.slice(0, 20)}`);
    let answer = '';
    raw.on('data', (d) => (answer += d.toString()));
    await new Promise((r) => setTimeout(r, 100));
    const stopped = Date.now();
    const exited = new Promise<number | null>((resolve) => node.child.once('exit', (code) => resolve(code)));
    node.child.kill('SIGTERM');
    expect(await socket.closed()).toBe(1001);
    await expect(fetch(`${node.url}/healthz`)).rejects.toThrow();
    raw.write(body.slice(20));
    expect(await exited).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(10_000);
    expect(answer).toMatch(/^HTTP\/1.1 201/);
    // What was accepted is there after a restart.
    const again = await NodeProcess.start({ DATA_DIR: node.dataDir!, ADMIN_TOKEN: TOKEN });
    expect((await fetch(`${again.url}/api/listings/in-flight`)).status).toBe(200);
    await again.kill('SIGTERM');
  }, 30_000);
});
