/**
 * The page's answer cache against a real HTTP server: an answer to a request sent before
 * clear() (a live change arrived meanwhile) is handed to its caller but not kept, so the
 * refetch the change asks for goes to the server instead of getting the stale answer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../components/map/search-client';

describe('ApiClient cache', () => {
  let server: http.Server;
  let url = '';
  let served = 0;
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      const n = ++served;
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n })), 100);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/listings?x=1`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('keeps answers for the same query, and none that was in flight across a clear', async () => {
    const api = new ApiClient();
    expect(await api.get<{ n: number }>(url)).toEqual({ n: 1 });
    expect(await api.get<{ n: number }>(url)).toEqual({ n: 1 }); // from the cache
    api.clear();
    const inFlight = api.get<{ n: number }>(url);
    api.clear(); // a change arrived while that request travelled
    expect(await inFlight).toEqual({ n: 2 });
    expect(await api.get<{ n: number }>(url)).toEqual({ n: 3 });
    expect(await api.get<{ n: number }>(url)).toEqual({ n: 3 });
  });
});
