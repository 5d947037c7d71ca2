/**
 * What forwarding headers are believed (ops/forwarded.ts): the rule on its own, then
 * through a real server: a client cannot choose its rate-limit bucket with
 * X-Forwarded-For, nor pass the socket's origin check with X-Forwarded-Host, and HSTS
 * follows a trusted proxy's X-Forwarded-Proto only. (test/nginx-proxy.test.ts puts a real
 * nginx in front.)
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { cameOverTls, clientIp, isLoopbackRequest, requestOrigin } from '../server/ops/forwarded';
import { startApi, tempDir } from './helpers/roost';

function req(remoteAddress: string, headers: Record<string, string> = {}, encrypted = false): IncomingMessage {
  return { headers, socket: encrypted ? { remoteAddress, encrypted: true } : { remoteAddress } } as unknown as IncomingMessage;
}

describe('the rule', () => {
  it('TRUST_PROXY=N takes the Nth address from the right of X-Forwarded-For; 0 takes the socket', () => {
    const r = req('10.0.0.5', { 'x-forwarded-for': 'forged-by-client, 203.0.113.7, 10.0.0.9' });
    expect(clientIp(r, 0)).toBe('10.0.0.5');
    // One proxy (nginx appending $remote_addr): its entry, the rightmost.
    expect(clientIp(r, 1)).toBe('10.0.0.9');
    // Two (a CDN, then nginx): the CDN's record of the client.
    expect(clientIp(r, 2)).toBe('203.0.113.7');
    // More hops trusted than there are entries: the leftmost, which is not an address here, so the socket's.
    expect(clientIp(r, 5)).toBe('10.0.0.5');
    expect(clientIp(req('10.0.0.5', { 'x-forwarded-for': '198.51.100.1' }), 3)).toBe('198.51.100.1');
  });

  it('a client writing X-Forwarded-For itself, in front of one proxy, does not move the address the proxy appended', () => {
    // nginx with $proxy_add_x_forwarded_for keeps what the client sent and appends the client's real address.
    const viaNginx = req('127.0.0.1', { 'x-forwarded-for': '1.2.3.4, 198.51.100.23' });
    expect(clientIp(viaNginx, 1)).toBe('198.51.100.23');
    // Several headers are one list; a port or brackets are not part of the address; IPv4-mapped IPv6 is IPv4.
    expect(clientIp({ headers: { 'x-forwarded-for': ['1.2.3.4', '198.51.100.23:5123'] }, socket: { remoteAddress: '::ffff:127.0.0.1' } } as unknown as IncomingMessage, 1)).toBe('198.51.100.23');
    expect(clientIp(req('::ffff:127.0.0.1', { 'x-forwarded-for': '[2001:db8::1]:443' }), 1)).toBe('2001:db8:0:0::/64');
    expect(clientIp(req('::ffff:127.0.0.1'), 0)).toBe('127.0.0.1');
    // Junk where the address should be: the socket's, not the junk as a bucket name.
    expect(clientIp(req('127.0.0.1', { 'x-forwarded-for': 'a-new-bucket-per-request' }), 1)).toBe('127.0.0.1');
  });

  it('TLS and the origin come from a trusted proxy only', () => {
    const r = req('127.0.0.1', { host: 'node:3000', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example' });
    expect(cameOverTls(r, 0)).toBe(false);
    expect(cameOverTls(r, 1)).toBe(true);
    expect(cameOverTls(req('1.2.3.4', {}, true), 0)).toBe(true);
    expect(requestOrigin(r, 0)).toBe('http://node:3000');
    expect(requestOrigin(r, 1)).toBe('https://evil.example');
  });

  it('loopback means a local peer that says nothing of being forwarded', () => {
    expect(isLoopbackRequest(req('127.0.0.1'))).toBe(true);
    expect(isLoopbackRequest(req('::1'))).toBe(true);
    expect(isLoopbackRequest(req('::ffff:127.0.0.1'))).toBe(true);
    expect(isLoopbackRequest(req('10.1.2.3'))).toBe(false);
    // A proxy on this machine forwards clients from anywhere.
    expect(isLoopbackRequest(req('127.0.0.1', { 'x-forwarded-for': '127.0.0.1' }))).toBe(false);
    expect(isLoopbackRequest(req('127.0.0.1', { forwarded: 'for=127.0.0.1' }))).toBe(false);
  });
});

const SEARCH = '/api/search?bbox=-74.1,40.6,-73.8,40.9&zoom=12';

/** Statuses of `n` searches, each with the headers `headersOf(i)` gives. */
async function searches(url: string, n: number, headersOf: (i: number) => Record<string, string>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${url}${SEARCH}`, { headers: headersOf(i) });
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

function upgrade(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

describe('through a real server', () => {
  let direct: Awaited<ReturnType<typeof startApi>>;
  let proxied: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    direct = await startApi(tempDir('fwd-direct'), { RATE_SEARCH_PER_S: '2' });
    proxied = await startApi(tempDir('fwd-proxied'), { RATE_SEARCH_PER_S: '2', TRUST_PROXY: '1' });
  });
  afterAll(async () => {
    await direct?.close();
    await proxied?.close();
  });

  it('without TRUST_PROXY a client cannot get a fresh budget by writing X-Forwarded-For', async () => {
    const statuses = await searches(direct.url, 8, (i) => ({ 'x-forwarded-for': `198.51.100.${i}` }));
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses).toContain(429);
  });

  it('with TRUST_PROXY=1 the budget follows the entry the proxy appended, not the ones the client wrote before it', async () => {
    const statuses = await searches(proxied.url, 8, (i) => ({ 'x-forwarded-for': `10.9.9.${i}, 203.0.113.50` }));
    expect(statuses).toContain(429);
    // Another client behind the same proxy has its own budget.
    expect(await searches(proxied.url, 1, () => ({ 'x-forwarded-for': '203.0.113.51' }))).toEqual([200]);
  });

  it('an IPv6 client is counted by its /64: the 2^64 addresses one subscriber holds are one budget, not 2^64', async () => {
    // One home's /64, a new address for each request (as privacy extensions hand out).
    const statuses = await searches(proxied.url, 8, (i) => ({ 'x-forwarded-for': `2001:db8:1:2:${i + 1}::${i + 7}` }));
    expect(statuses).toContain(429);
    // The neighbouring /64 is someone else, and an IPv4-mapped address is its IPv4 one.
    expect(await searches(proxied.url, 1, () => ({ 'x-forwarded-for': '2001:db8:1:3::1' }))).toEqual([200]);
    expect(clientIp(req('::1', { 'x-forwarded-for': '[2001:DB8:1:2::5]:443' }), 1)).toBe(clientIp(req('::1', { 'x-forwarded-for': '2001:db8:1:2:ffff::1' }), 1));
    expect(clientIp(req('::ffff:192.0.2.7'), 0)).toBe('192.0.2.7');
  });

  it('the socket origin check does not believe X-Forwarded-Host without TRUST_PROXY', async () => {
    const port = new URL(direct.url).port;
    // A page on evil.example opening our socket, its request claiming to be forwarded for evil.example.
    expect(await upgrade(direct.url, { origin: 'http://evil.example', 'x-forwarded-host': 'evil.example' })).toBe(403);
    expect(await upgrade(direct.url, { origin: `http://127.0.0.1:${port}` })).toBe(101);
    // Behind a trusted proxy the forwarded host and scheme are the browser's.
    expect(await upgrade(proxied.url, { origin: 'https://roost.example', 'x-forwarded-host': 'roost.example', 'x-forwarded-proto': 'https' })).toBe(101);
    expect(await upgrade(proxied.url, { origin: 'https://evil.example', 'x-forwarded-host': 'roost.example', 'x-forwarded-proto': 'https' })).toBe(403);
  });

  it('HSTS when a trusted proxy says the request came over TLS, never on a client\'s say-so', async () => {
    const forged = await fetch(`${direct.url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(forged.headers.get('strict-transport-security')).toBeNull();
    const trusted = await fetch(`${proxied.url}/healthz`, { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' } });
    expect(trusted.headers.get('strict-transport-security')).toBe('max-age=31536000');
    const plain = await fetch(`${proxied.url}/healthz`, { headers: { 'x-forwarded-proto': 'http', 'x-forwarded-for': '203.0.113.9' } });
    expect(plain.headers.get('strict-transport-security')).toBeNull();
  });
});
