/**
 * The engine contract suite on every engine that can run here: the embedded engine
 * always; a SQLite store with its log applied to a real OpenSearch node (started with `npm run opensearch`) whenever Java 21+
 * and Maven are present — in CI they are, so that leg runs there, never skips; a real
 * Elasticsearch whenever ELASTICSEARCH_URL is set. A leg that cannot run says why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterIndex } from '../server/engine/cluster/cluster-index';
import { ClusterIndexedEngine } from '../server/engine/cluster/cluster-indexed-engine';
import { SqliteListingStore } from '../server/store/sqlite-listing-store';
import { ElasticsearchClient } from '../server/engine/cluster/elasticsearch-client';
import { OpenSearchClient } from '../server/engine/cluster/opensearch-client';
import type { ClusterClient } from '../server/engine/cluster/cluster-client';
import { EmbeddedEngine } from '../server/engine/embedded/embedded-engine';
import { importFile } from '../server/import/importer';
import { engineContract } from './engine-contract/engine-contract';
import { listingsMappingVersion, migrateListings } from '../server/engine/cluster/index-admin';
import { listingsIndexBody } from '../server/engine/cluster/query-bodies';
import { indexTerms, words } from '../server/core/text-match';
import { seededRandom } from '../server/core/seeded-random';
import type { ListingRecord } from '../server/core/listing';
import { NYC_CSV, runCli, runImport, startApi, tempDir } from './helpers/roost';
import { freePort, TcpProxy } from './helpers/tcp-proxy';
import { openSearchMissing, startOpenSearchNode, type OpenSearchNode } from './helpers/opensearch-node';

/** Port for this suite's node; the `npm run opensearch` test uses another. */
const OPENSEARCH_PORT = 9261;

const openEmbedded = async () => EmbeddedEngine.open({ dataDir: tempDir('contract'), pollIntervalMs: 60_000 });

/** The embedded engine over the same data: what the cluster legs must answer exactly. */
let reference: EmbeddedEngine;
beforeAll(async () => {
  reference = await openEmbedded();
  await importFile(NYC_CSV, { format: 'airbnb', sink: reference });
}, 120_000);
afterAll(async () => reference?.close());

/** Drops Roost's indices so a leg starts from an empty store (a dev node may hold older data). */
async function emptyCluster(client: ClusterClient): Promise<void> {
  for (const index of ['listings-v*', 'roost-meta']) {
    await client.request({ method: 'DELETE', path: `/${index}`, querystring: { expand_wildcards: 'all' } }, { allow: [404] });
  }
}

/**
 * The cluster's analyzers make exactly core/text-match's terms: the index's (`roost_text`:
 * words, Chinese characters and pairs) as a set, the query's (`roost_text_query`) in order.
 * Fixed texts, then random ones over Latin, digits, punctuation, spaces (the ideographic
 * one too), Han (a character beyond the BMP too), Hiragana, Chinese punctuation and
 * full-width forms (`5，000` is one word to UAX #29).
 */
async function expectAnalyzersAgree(client: ClusterClient): Promise<void> {
  await emptyCluster(client);
  await new ClusterIndex(client).ready();
  const analyze = async (analyzer: string, text: string) =>
    (await client.request<{ tokens: { token: string }[] }>({ method: 'POST', path: '/listings/_analyze', body: { analyzer, text } })).body.tokens.map((t) => t.token);
  const texts = [
    '静安寺旁的两房公寓', '三林美房安静的两居室', 'Loft近地铁, quiet street', '静 安', '静安1号 2室', '东京の家', 'コーヒー店 한국어 집',
    '𠀋𠀌𠀍 x', "Room:STG 10:30 4.5 O'Neil's", '静安寺。公寓！', '静安，徐汇；浦东', '（近）地铁', 'Flat 静', '安 quiet', '月租5，000元 1．5室',
  ];
  const alphabet = ['a', 'Z', 'loft', '5', '1,200', ' ', ',', '.', "'", ':', '-', '静', '安', '寺', '东', '区', '𠀋', 'の', 'は', '。', '，', '　', '（', '）', '．', '１', '：', 'Ａ', '；'];
  const rand = seededRandom(30);
  for (let i = 0; i < 300; i++) {
    let text = '';
    for (let n = 1 + Math.floor(rand() * 12); n > 0; n--) text += alphabet[Math.floor(rand() * alphabet.length)];
    texts.push(text);
  }
  for (const text of texts) {
    expect(new Set(await analyze('roost_text', text)), text).toEqual(new Set(indexTerms(text)));
    expect(await analyze('roost_text_query', text), text).toEqual(words(text));
  }
}

engineContract({ name: 'embedded', open: openEmbedded });

const openSearchSkip = openSearchMissing();
if (openSearchSkip) process.stdout.write(`engine contract, OpenSearch leg skipped: ${openSearchSkip}\n`);
describe.skipIf(openSearchSkip !== null)('OpenSearch on a real node', () => {
  let node: OpenSearchNode;
  beforeAll(async () => {
    node = await startOpenSearchNode(OPENSEARCH_PORT);
  }, 300_000);
  afterAll(async () => node?.stop(), 60_000);

  it('is a real OpenSearch', async () => {
    const info = (await (await fetch(node.url)).json()) as { version: { distribution: string; number: string } };
    expect(info.version.distribution).toBe('opensearch');
  });

  it('its analyzers make the terms core/text-match makes: Chinese pairs and characters, words', async () => {
    await expectAnalyzersAgree(new OpenSearchClient({ url: node.url }));
  }, 120_000);

  it('an index made before Chinese pairs answers as it did until npm run migrate moves it to the current mapping', async () => {
    const client = new OpenSearchClient({ url: node.url });
    await emptyCluster(client);
    // listings-v1 as the release before made it: the standard analyzer, no mapping version, none of the new fields.
    const old = listingsIndexBody() as { settings: Record<string, unknown>; mappings: { _meta?: unknown; properties: Record<string, unknown> } };
    delete old.settings.analysis;
    delete old.mappings._meta;
    old.mappings.properties.title = { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } };
    old.mappings.properties.description = { type: 'text' };
    for (const field of ['bathrooms', 'guests', 'amenities', 'amenityKeys', 'previousPrice', 'priceChangedAt']) delete old.mappings.properties[field];
    await client.request({ method: 'PUT', path: '/listings-v1', body: old });
    await client.request({ method: 'POST', path: '/_aliases', body: { actions: [{ add: { index: 'listings-v1', alias: 'listings', is_write_index: true } }] } });
    const engine = await ClusterIndexedEngine.open({ store: new SqliteListingStore(tempDir('os-old-mapping')), index: new ClusterIndex(client) });
    try {
      const at = Date.UTC(2026, 1, 1);
      const quiet: ListingRecord = {
        id: 'old-quiet', title: '三林美房安静的两居室', lat: 40.7303, lon: -73.99, price: 300, type: 'entire', district: 'Manhattan',
        neighbourhood: 'East Village', bedrooms: 2, bathrooms: 1, guests: 3, amenities: ['Wifi'], listedAt: at, updatedAt: at,
      };
      // The new fields are added to the old index in place: its documents take them.
      await engine.write({ op: 'put', record: quiet });
      await engine.refresh();
      const ids = async (q: string) => (await engine.search({ bbox: [-74.0, 40.72, -73.98, 40.74], zoom: 17, filters: { q } })).listings.map((l) => l.id);
      expect(await listingsMappingVersion(client)).toBe(1);
      expect(await ids('静安')).toEqual(['old-quiet']);
      expect(await migrateListings(client)).toMatchObject({ from: 'listings-v1', to: 'listings-v2', copied: 1 });
      expect(await listingsMappingVersion(client)).toBe(2);
      expect(await ids('静安')).toEqual([]);
      expect(await ids('安静')).toEqual(['old-quiet']);
      expect((await engine.search({ bbox: [-74.0, 40.72, -73.98, 40.74], zoom: 17, filters: {} })).listings[0]).toMatchObject({ bathrooms: 1, guests: 3, amenities: ['Wifi'] });
    } finally {
      await engine.close();
    }
  }, 120_000);

  engineContract({
    name: 'opensearch',
    open: async () => {
      const client = new OpenSearchClient({ url: node.url });
      await emptyCluster(client);
      return ClusterIndexedEngine.open({ store: new SqliteListingStore(tempDir('os-contract')), index: new ClusterIndex(client) });
    },
    reference: () => reference,
  });

  describe('a Roost server over the node: failures and recovery, import, migration', () => {
    const BBOX = 'bbox=-74.3,40.49,-73.68,40.93&zoom=10';
    let proxy: TcpProxy;
    let api: Awaited<ReturnType<typeof startApi>>;
    const timed = async (path: string) => {
      const t = performance.now();
      const res = await fetch(`${api.url}${path}`);
      return { status: res.status, body: (await res.json()) as any, ms: performance.now() - t };
    };

    let dataDir: string;
    beforeAll(async () => {
      // A store of its own, holding the New York file: the index (emptied) is rebuilt from it.
      await emptyCluster(new OpenSearchClient({ url: node.url }));
      dataDir = tempDir('os-server');
      expect((await runImport(dataDir, [NYC_CSV])).code).toBe(0);
      proxy = new TcpProxy({ host: '127.0.0.1', port: Number(new URL(node.url).port) }, await freePort());
      // The cluster is away when the server starts: it must start anyway.
      api = await startApi(dataDir, { OPENSEARCH_URL: `http://127.0.0.1:${proxy.port}` });
    }, 120_000);
    afterAll(async () => {
      await api?.close();
      await proxy?.refuse();
    });

    it('starts without its cluster, answers 503 with the error JSON, and recovers by itself', async () => {
      const down = await timed(`/api/search?${BBOX}`);
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ error: { code: 'unavailable', message: 'the listings store is unavailable; try again shortly' } });
      expect(down.ms).toBeLessThan(10_000);
      expect((await timed('/readyz')).status).toBe(503);
      await proxy.open();
      // Back: the index is rebuilt from the store's snapshot, then follows its log.
      await expect.poll(async () => (await timed(`/api/search?${BBOX}`)).body.total, { timeout: 60_000, interval: 250 }).toBe(reference.index.count);
      expect((await timed('/readyz')).body).toMatchObject({ status: 'ready' });
      const metrics = await (await fetch(`${api.url}/metrics`)).text();
      expect(metrics).toMatch(/^roost_search_index_lag 0$/m);
    }, 90_000);

    it('a cluster that stops answering is a 503 within a bounded time, then recovers', async () => {
      proxy.mode = 'blackhole';
      await proxy.refuse();
      await proxy.open();
      const hung = await timed(`/api/search?${BBOX}&priceMax=100`);
      expect(hung.status).toBe(503);
      // Two tries of the 5 s request timeout, and no more.
      expect(hung.ms).toBeLessThan(12_000);
      const ready = await timed('/readyz');
      expect(ready.status).toBe(503);
      expect(JSON.stringify(ready.body)).not.toContain('127.0.0.1');
      proxy.mode = 'pass';
      await proxy.refuse();
      await proxy.open();
      expect((await timed(`/api/search?${BBOX}&priceMax=100`)).status).toBe(200);
    }, 60_000);

    it('npm run import writes into the store with the same report; the index follows within a second', async () => {
      const dir = tempDir('os-import');
      const file = path.join(dir, 'few.ndjson');
      const row = { title: 'Imported', lat: 40.65, lon: -73.95, price: 700, type: 'private', district: 'Brooklyn', neighbourhood: 'Flatbush' };
      fs.writeFileSync(file, [
        JSON.stringify({ ...row, id: 'os-imp-1' }),
        JSON.stringify({ ...row, id: 'os-imp-2', price: -1 }),
        JSON.stringify({ ...row, id: 'os-imp-1', price: 650 }),
      ].join('\n'));
      const result = await runImport(dataDir, [file], { OPENSEARCH_URL: node.url });
      expect(result.code).toBe(0);
      expect(result.stdout.trim().split('\n')).toEqual(['skipped line 2: price: Too small: expected number to be >=0', 'imported 1, updated 1, skipped 1']);
      expect((await timed('/api/listings/os-imp-1')).body).toMatchObject({ price: 650, district: 'Brooklyn' });
      const street = 'bbox=-73.9501,40.6499,-73.9499,40.6501&zoom=17';
      await expect.poll(async () => (await timed(`/api/search?${street}`)).body.listings.map((l: { id: string }) => l.id), { timeout: 5_000, interval: 100 }).toEqual(['os-imp-1']);
    });

    it('npm run migrate moves the listings to listings-v2 and swaps the alias; search answers the same', async () => {
      const before = await timed(`/api/search?${BBOX}`);
      const result = await runCli('migrate.ts', [], { OPENSEARCH_URL: node.url });
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^migrated listings: listings-v1 → listings-v2 \(\d+ copied/);
      const alias = (await (await fetch(`${node.url}/_alias/listings`)).json()) as Record<string, unknown>;
      expect(Object.keys(alias)).toEqual(['listings-v2']);
      const after = await timed(`/api/search?${BBOX}`);
      expect(after.body).toEqual(before.body);
      expect((await timed('/api/listings/os-imp-1')).status).toBe(200);
    });
  });
});

const esUrl = process.env.ELASTICSEARCH_URL;
if (!esUrl) process.stdout.write('engine contract, Elasticsearch leg skipped: ELASTICSEARCH_URL is not set\n');
describe.skipIf(!esUrl)('Elasticsearch at ELASTICSEARCH_URL', () => {
  it('its analyzers make the terms core/text-match makes', async () => {
    await expectAnalyzersAgree(new ElasticsearchClient({ url: esUrl!, ...(process.env.ELASTICSEARCH_API_KEY ? { apiKey: process.env.ELASTICSEARCH_API_KEY } : {}) }));
  }, 120_000);

  engineContract({
    name: 'elasticsearch',
    open: async () => {
      const client = new ElasticsearchClient({ url: esUrl!, ...(process.env.ELASTICSEARCH_API_KEY ? { apiKey: process.env.ELASTICSEARCH_API_KEY } : {}) });
      await emptyCluster(client);
      return ClusterIndexedEngine.open({ store: new SqliteListingStore(tempDir('es-contract')), index: new ClusterIndex(client) });
    },
    reference: () => reference,
  });
});
