/**
 * /metrics through a real server process: a fixed set of series whatever paths clients
 * send, and answers only with METRICS_TOKEN's bearer, or without one only on the loopback
 * interface (CONTRACT.md "Environment").
 */
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeOf } from '../server/ops/metrics';
import { NodeProcess } from './helpers/node-process';
import { secretForTests, tempDir } from './helpers/roost';

/** This machine's first address that is not loopback, to reach a node from "outside". */
function outsideAddress(): string | null {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return null;
}

/** The label sets /metrics reports for requests. */
function httpSeries(text: string): string[] {
  return text.split('\n').filter((l) => l.startsWith('roost_http_request_duration_seconds_count{'));
}

describe('/metrics without METRICS_TOKEN', () => {
  let node: NodeProcess;
  const outside = outsideAddress();
  beforeAll(async () => {
    node = await NodeProcess.start({ DATA_DIR: tempDir('metrics-open'), HOST: '0.0.0.0' });
  });
  afterAll(async () => node?.kill());

  it('3,000 requests to junk paths leave the set of series as it was', async () => {
    for (const path of ['/api/search?bbox=0,0,1,1&zoom=3', '/api/listings/x', '/api/nope', '/nope', '/metrics']) await (await fetch(`${node.url}${path}`)).arrayBuffer();
    const before = await (await fetch(`${node.url}/metrics`)).text();
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'MKCOL'];
    for (let batch = 0; batch < 30; batch++) {
      await Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          const n = batch * 100 + i;
          const path = [`/api/junk-${n}`, `/api/listings/${n}/x/${n}`, `/api/saved-searches/${n}/y`, `/page-${n}`, `/api/${'z'.repeat(n % 60)}`][n % 5];
          await (await fetch(`${node.url}${path}`, { method: methods[n % methods.length] })).arrayBuffer();
        }),
      );
    }
    const after = await (await fetch(`${node.url}/metrics`)).text();
    const grown = httpSeries(after).map((l) => l.replace(/ \d+$/, ''));
    const had = new Set(httpSeries(before).map((l) => l.replace(/ \d+$/, '')));
    // Only the few labels junk can have: /api/other, page, the methods and statuses answered.
    const added = grown.filter((l) => !had.has(l));
    expect(added.length).toBeLessThan(40);
    for (const l of added) expect(l).toMatch(/route="(\/api\/other|page|\/api\/listings\/:id|\/api\/saved-searches\/:id)"/);
    expect(after.length - before.length).toBeLessThan(40_000);
    expect(after).not.toContain('junk-');
  }, 60_000);

  it('answers on loopback; from another interface, or forwarded by a proxy on this machine, 403', async () => {
    expect((await fetch(`${node.url}/metrics`)).status).toBe(200);
    const forwarded = await fetch(`${node.url}/metrics`, { headers: { 'x-forwarded-for': '198.51.100.7' } });
    expect(forwarded.status).toBe(403);
    expect((await forwarded.json()).error.code).toBe('forbidden');
    if (!outside) return console.warn('no address but loopback on this machine: the other-interface case is not run');
    const port = new URL(node.url).port;
    const res = await fetch(`http://${outside}:${port}/metrics`);
    expect(res.status).toBe(403);
    expect((await fetch(`http://${outside}:${port}/healthz`)).status).toBe(200);
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  let node: NodeProcess;
  const token = secretForTests();
  beforeAll(async () => {
    node = await NodeProcess.start({ DATA_DIR: tempDir('metrics-token'), METRICS_TOKEN: token });
  });
  afterAll(async () => node?.kill());

  it('answers only with the bearer token, on loopback too', async () => {
    expect((await fetch(`${node.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    const ok = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('roost_http_request_duration_seconds');
  });
});

describe('route labels', () => {
  it('known routes by template, ids taken out; anything else one label', () => {
    expect(routeOf('/api/listings/abc')).toBe('/api/listings/:id');
    expect(routeOf('/api/listings/abc/photos')).toBe('/api/listings/:id/photos');
    expect(routeOf('/api/conversations/7/messages')).toBe('/api/conversations/:id/messages');
    expect(routeOf('/api/search')).toBe('/api/search');
    expect(routeOf('/api/search/x')).toBe('/api/other');
    expect(routeOf('/api/listings/')).toBe('/api/other');
    expect(routeOf('/api/whatever')).toBe('/api/other');
    expect(routeOf('/listings/9')).toBe('/listings/:id');
    expect(routeOf('/saved')).toBe('page');
  });
});
