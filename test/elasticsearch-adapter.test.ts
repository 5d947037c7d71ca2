/**
 * Unit tests of the Elasticsearch adapter with recorded responses: no Elasticsearch
 * server can be installed here, so a local HTTP server plays one — it records what the
 * official client sends and answers with responses of the documented shape. This checks
 * request → exact body and response → exact API result; the real-node proof is the
 * contract suite (OpenSearch always in CI, Elasticsearch when ELASTICSEARCH_URL is set).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClusterIndex } from '../server/engine/cluster/cluster-index';
import { ElasticsearchClient } from '../server/engine/cluster/elasticsearch-client';
import { EngineFailure, EngineUnavailable } from '../server/engine/engine-errors';

interface Recorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

type Reply = { status?: number; body: unknown };

/** A stand-in Elasticsearch: canned replies by "METHOD path", every request recorded. */
function fakeElasticsearch() {
  const requests: Recorded[] = [];
  const replies = new Map<string, Reply>();
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = req.url!.split('?')[0]!;
      requests.push({ method: req.method!, path: req.url!, headers: req.headers, body: text ? JSON.parse(text) : undefined });
      const reply = replies.get(`${req.method} ${path}`) ?? { status: 404, body: { error: { type: 'index_not_found_exception' }, status: 404 } };
      // The official client refuses a server that does not say it is Elasticsearch.
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(reply.body));
    });
  });
  return { server, requests, replies };
}

describe('Elasticsearch adapter (recorded responses, no real server)', () => {
  const fake = fakeElasticsearch();
  let engine: ClusterIndex;
  let url: string;

  beforeAll(async () => {
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    engine = new ClusterIndex(new ElasticsearchClient({ url, apiKey: 'c2VjcmV0LWtleQ==', requestTimeoutMs: 2_000 }));
  });
  afterAll(async () => {
    await engine.close();
    fake.server.close();
  });
  beforeEach(() => {
    fake.requests.length = 0;
    fake.replies.clear();
    // What a cluster holding Roost's indices answers to the start-up checks.
    fake.replies.set('GET /_alias/listings', { body: { 'listings-v1': { aliases: { listings: {} } } } });
    fake.replies.set('HEAD /roost-meta', { body: {} });
    // Fields added since listings-v1 are put on the existing indices at start (additive).
    fake.replies.set('PUT /listings/_mapping', { body: { acknowledged: true } });
    // The index's mapping version (index-admin.ts): an index made by this release.
    fake.replies.set('GET /listings/_mapping', { body: { 'listings-v1': { mappings: { _meta: { mapping: 2 } } } } });
  });

  it('a district view: the exact request body, and the recorded answer as the API shows it', async () => {
    fake.replies.set('POST /listings/_search', {
      body: {
        took: 3,
        timed_out: false,
        hits: { total: { value: 3, relation: 'eq' }, max_score: null, hits: [] },
        aggregations: {
          buckets: {
            doc_count_error_upper_bound: 0,
            sum_other_doc_count: 0,
            buckets: [
              { key: 'Brooklyn', doc_count: 1, centroid: { location: { lat: 40.69, lon: -73.95 }, count: 1 }, currencies: { buckets: [{ key: 'USD', periods: { buckets: [{ key: 'month', doc_count: 1, price: { value: 1500 } }] } }] } },
              // Two units, one home each: the tie goes to the first currency (EUR), and both are listed.
              {
                key: 'Manhattan',
                doc_count: 2,
                centroid: { location: { lat: 40.75, lon: -73.98 }, count: 2 },
                currencies: {
                  buckets: [
                    { key: 'USD', periods: { buckets: [{ key: 'month', doc_count: 1, price: { value: 2401 } }] } },
                    { key: 'EUR', periods: { buckets: [{ key: 'night', doc_count: 1, price: { value: 95 } }] } },
                  ],
                },
              },
            ],
          },
        },
      },
    });
    const result = await engine.search({ bbox: [-74.1, 40.6, -73.8, 40.9], zoom: 11, filters: { priceMax: 3000, types: ['entire', 'private'] } });
    const search = fake.requests.find((r) => r.path.startsWith('/listings/_search'))!;
    expect(search.method).toBe('POST');
    expect(search.headers.authorization).toBe('ApiKey c2VjcmV0LWtleQ==');
    // Written out from the Elasticsearch reference; the bbox corners are Lucene's grid
    // values, computed apart in Python: floor(v / (180 / 2**32)) * (180 / 2**32) for
    // latitudes, 360 for longitudes.
    expect(search.body).toEqual({
      query: {
        bool: {
          filter: [
            {
              geo_bounding_box: {
                location: {
                  top_left: { lat: 40.899999984540045, lon: -74.10000007599592 },
                  bottom_right: { lat: 40.59999997727573, lon: -73.80000002682209 },
                },
              },
            },
            { range: { price: { lte: 3000 } } },
            { terms: { type: ['entire', 'private'] } },
          ],
        },
      },
      size: 0,
      track_total_hits: true,
      aggs: {
        buckets: {
          terms: { field: 'district', size: 10_000, shard_size: 10_000 },
          aggs: {
            centroid: { geo_centroid: { field: 'location' } },
            currencies: {
              terms: { field: 'currency', size: 256, missing: 'USD' },
              aggs: { periods: { terms: { field: 'pricePer', size: 2, missing: 'month' }, aggs: { price: { sum: { field: 'price' } } } } },
            },
          },
        },
      },
    });
    expect(result).toEqual({
      level: 'district',
      total: 3,
      buckets: [
        {
          key: 'Manhattan',
          label: 'Manhattan',
          count: 2,
          lat: 40.75,
          lon: -73.98,
          priceAvg: 95,
          currency: 'EUR',
          pricePer: 'night',
          units: [
            { currency: 'EUR', pricePer: 'night', count: 1, priceAvg: 95 },
            { currency: 'USD', pricePer: 'month', count: 1, priceAvg: 2401 },
          ],
        },
        { key: 'Brooklyn', label: 'Brooklyn', count: 1, lat: 40.69, lon: -73.95, priceAvg: 1500, currency: 'USD', pricePer: 'month' },
      ],
      listings: [],
      units: [
        { currency: 'USD', pricePer: 'month', count: 2 },
        { currency: 'EUR', pricePer: 'night', count: 1 },
      ],
    });
  });

  it('a cluster view asks geotile_grid at zoom + 2; a street view asks the newest 500', async () => {
    fake.replies.set('POST /listings/_search', {
      body: {
        hits: { total: { value: 1, relation: 'eq' }, hits: [] },
        aggregations: { buckets: { buckets: [{ key: '16/19298/24633', doc_count: 1, centroid: { location: { lat: 40.7, lon: -73.99 }, count: 1 }, currencies: { buckets: [{ key: 'USD', periods: { buckets: [{ key: 'month', doc_count: 1, price: { value: 900 } }] } }] } }] } },
      },
    });
    const cluster = await engine.search({ bbox: [-74, 40.69, -73.98, 40.71], zoom: 14, filters: { bedsMin: 2 } });
    const body = fake.requests.at(-1)!.body as { aggs: unknown; query: { bool: { filter: unknown[] } } };
    expect(body.aggs).toEqual({
      buckets: {
        geotile_grid: { field: 'location', precision: 16, size: 65_536 },
        aggs: {
          centroid: { geo_centroid: { field: 'location' } },
          currencies: {
            terms: { field: 'currency', size: 256, missing: 'USD' },
            aggs: { periods: { terms: { field: 'pricePer', size: 2, missing: 'month' }, aggs: { price: { sum: { field: 'price' } } } } },
          },
        },
      },
    });
    expect(body.query.bool.filter[1]).toEqual({ range: { bedrooms: { gte: 2 } } });
    expect(cluster.buckets).toEqual([{ key: '16/19298/24633', label: '', count: 1, lat: 40.7, lon: -73.99, priceAvg: 900, currency: 'USD', pricePer: 'month' }]);

    fake.replies.set('POST /listings/_search', {
      body: {
        hits: {
          total: { value: 1, relation: 'eq' },
          hits: [
            {
              _index: 'listings-v1',
              _id: 'a1',
              _score: null,
              _source: { id: 'a1', title: '<b>Loft</b>', location: { lat: 40.7, lon: -73.99 }, price: 2500, type: 'entire', district: 'Manhattan', neighbourhood: 'SoHo', area: 'Manhattan|SoHo', listedAt: 1767225600000, updatedAt: 1767225600000 },
              sort: [1767225600000, 'a1'],
            },
          ],
        },
      },
    });
    const street = await engine.search({ bbox: [-74, 40.69, -73.98, 40.71], zoom: 17, filters: {} });
    const streetBody = fake.requests.at(-1)!.body as Record<string, unknown>;
    expect(streetBody.size).toBe(500);
    expect(streetBody.track_total_hits).toBe(true);
    expect(streetBody.sort).toEqual([{ listedAt: 'desc' }, { id: 'asc' }]);
    expect(street).toEqual({
      level: 'listing',
      total: 1,
      buckets: [],
      listings: [
        // A document stored before currency and period existed reads as USD a month.
        { id: 'a1', title: '<b>Loft</b>', lat: 40.7, lon: -73.99, price: 2500, currency: 'USD', pricePer: 'month', type: 'entire', district: 'Manhattan', neighbourhood: 'SoHo', listedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' },
      ],
      units: [{ currency: 'USD', pricePer: 'month', count: 1 }],
    });
  });

  it('pages the list with search_after and an Elasticsearch point in time (/_pit, id)', async () => {
    const hit = (id: string, price: number) => ({
      _id: id,
      _source: { id, title: id, location: { lat: 40.7, lon: -74 }, price, type: 'private', district: 'D', neighbourhood: 'N', area: 'D|N', listedAt: 0, updatedAt: 0 },
      sort: [price, id],
    });
    fake.replies.set('POST /listings/_search', { body: { hits: { total: { value: 3, relation: 'eq' }, hits: [hit('a', 10), hit('b', 20), hit('c', 30)] } } });
    fake.replies.set('POST /listings/_pit', { body: { id: 'PIT-1' } });
    const first = await engine.list({ bbox: [-75, 40, -73, 41], filters: {}, sort: 'price', limit: 2 });
    expect(first.listings.map((l) => l.id)).toEqual(['a', 'b']);
    expect(first.nextCursor).toEqual({ value: 20, id: 'b', pit: 'PIT-1' });
    expect(fake.requests.find((r) => r.path.startsWith('/listings/_pit'))!.path).toBe('/listings/_pit?keep_alive=2m');

    fake.replies.set('POST /_search', { body: { pit_id: 'PIT-2', hits: { total: { value: 3, relation: 'eq' }, hits: [hit('c', 30)] } } });
    fake.replies.set('DELETE /_pit', { body: { succeeded: true } });
    const second = await engine.list({ bbox: [-75, 40, -73, 41], filters: {}, sort: 'price', limit: 2, after: first.nextCursor! });
    const pitSearch = fake.requests.find((r) => r.path === '/_search')!.body as Record<string, unknown>;
    expect(pitSearch.pit).toEqual({ id: 'PIT-1', keep_alive: '2m' });
    expect(pitSearch.search_after).toEqual([20, 'b']);
    expect(pitSearch.size).toBe(3);
    expect(second).toMatchObject({ total: 3, nextCursor: null });
    expect(second.listings.map((l) => l.id)).toEqual(['c']);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.requests.find((r) => r.method === 'DELETE')).toMatchObject({ path: '/_pit', body: { id: 'PIT-2' } });
  });

  it("a committed change goes in versioned by its sequence number, so an older one can never overwrite it", async () => {
    fake.replies.set('PUT /listings/_doc/a%201', { body: { result: 'created', _version: 42 } });
    fake.replies.set('DELETE /listings/_doc/a%201', { status: 409, body: { error: { type: 'version_conflict_engine_exception' }, status: 409 } });
    const after = { id: 'a 1', title: 't', lat: 40.7, lon: -74, price: 1000, type: 'entire' as const, district: 'D', neighbourhood: 'N', bedrooms: null, listedAt: 0, updatedAt: 0 };
    await engine.applyOne({ seq: 42, listingId: 'a 1', op: 'upsert', before: null, after, at: 0 });
    const put = fake.requests.at(-1)!;
    expect(put.method).toBe('PUT');
    expect(new URLSearchParams(put.path.split('?')[1]).toString()).toBe('version=42&version_type=external');
    expect(put.body).toMatchObject({ id: 'a 1', price: 1000, area: 'D|N' });
    // The index already holds a newer change: refused (409) and not an error.
    await expect(engine.applyOne({ seq: 41, listingId: 'a 1', op: 'remove', before: after, after: null, at: 0 })).resolves.toBeUndefined();
  });

  it('translates errors: 503 → unavailable, 400 → a failure naming only status and type', async () => {
    fake.replies.set('POST /listings/_search', { status: 503, body: { error: { type: 'cluster_block_exception', reason: 'secret detail' }, status: 503 } });
    await expect(engine.search({ bbox: [-75, 40, -73, 41], zoom: 10, filters: {} })).rejects.toBeInstanceOf(EngineUnavailable);
    fake.replies.set('POST /listings/_search', { status: 400, body: { error: { type: 'parsing_exception', reason: 'secret detail' }, status: 400 } });
    const err = await engine.search({ bbox: [-75, 40, -73, 41], zoom: 10, filters: {} }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(EngineFailure);
    expect((err as Error).message).toBe('elasticsearch refused a request: 400 parsing_exception');
  });

  it('an unreachable cluster is unavailable, and the URL with its credentials stays out of the message', async () => {
    const down = new ClusterIndex(new ElasticsearchClient({ url: 'http://elastic:hunter2@127.0.0.1:1', requestTimeoutMs: 500 }));
    const err = await down.search({ bbox: [-75, 40, -73, 41], zoom: 10, filters: {} }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(EngineUnavailable);
    expect((err as Error).message).not.toMatch(/hunter2|127\.0\.0\.1/);
    expect(await down.health()).toMatchObject({ ok: false });
    await down.close();
  });
});
