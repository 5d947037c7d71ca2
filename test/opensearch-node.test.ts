import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSearchMissing, startOpenSearchNode, type OpenSearchNode } from './helpers/opensearch-node';

/**
 * `npm run opensearch` against a real OpenSearch node (Maven Central artifacts): it comes
 * up healthy, answers Elasticsearch's documented geotile_grid example with the keys our
 * embedded engine computes, and goes away with its data on SIGTERM. Skipped, with the
 * reason printed, only where Java 21+ or Maven is missing; CI has both.
 */
const missing = openSearchMissing();
if (missing) process.stdout.write(`opensearch node test skipped: ${missing}\n`);

describe.skipIf(missing !== null)('npm run opensearch: a real single-node OpenSearch', () => {
  let node: OpenSearchNode;
  let url = '';
  let dataDir = '';

  beforeAll(async () => {
    node = await startOpenSearchNode(9271);
    ({ url, dataDir } = node);
  }, 240_000);

  // SIGTERM, not SIGKILL: the command must stop its JVM, or the node outlives the test.
  afterAll(async () => node?.stop(), 40_000);

  it('prints its URL alone on a line and is healthy', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:92\d\d$/);
    const health = (await (await fetch(`${url}/_cluster/health`)).json()) as { status: string; number_of_nodes: number };
    expect(['green', 'yellow']).toContain(health.status);
    expect(health.number_of_nodes).toBe(1);
  });

  it('gives the geotile keys of the geotile_grid reference example', async () => {
    const json = { 'content-type': 'application/json' };
    await fetch(`${url}/museums`, { method: 'DELETE' });
    const created = await fetch(`${url}/museums`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ settings: { number_of_replicas: 0 }, mappings: { properties: { location: { type: 'geo_point' } } } }),
    });
    expect(created.status).toBe(200);
    const points = [
      [4.91235, 52.374081],
      [4.901618, 52.369219],
      [4.914722, 52.371667],
      [4.4052, 51.2229],
      [2.336389, 48.861111],
      [2.327, 48.86],
    ];
    const bulk = points.flatMap(([lon, lat], i) => [JSON.stringify({ index: { _id: String(i + 1) } }), JSON.stringify({ location: { lat, lon } })]);
    const indexed = await fetch(`${url}/museums/_bulk?refresh=true`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${bulk.join('\n')}\n` });
    expect(((await indexed.json()) as { errors: boolean }).errors).toBe(false);
    const search = async (precision: number) => {
      const res = await fetch(`${url}/museums/_search?size=0`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          query: { geo_bounding_box: { location: { top_left: { lat: 52.4, lon: 4.9 }, bottom_right: { lat: 52.3, lon: 5.0 } } } },
          aggs: { g: { geotile_grid: { field: 'location', precision } } },
        }),
      });
      const body = (await res.json()) as { aggregations: { g: { buckets: { key: string; doc_count: number }[] } } };
      return Object.fromEntries(body.aggregations.g.buckets.map((b) => [b.key, b.doc_count]));
    };
    expect(await search(22)).toEqual({ '22/2154412/1378379': 1, '22/2154385/1378332': 1, '22/2154259/1378425': 1 });
    const all = await fetch(`${url}/museums/_search?size=0`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ aggs: { g: { geotile_grid: { field: 'location', precision: 8 } } } }),
    });
    const buckets = ((await all.json()) as { aggregations: { g: { buckets: { key: string; doc_count: number }[] } } }).aggregations.g.buckets;
    expect(Object.fromEntries(buckets.map((b) => [b.key, b.doc_count]))).toEqual({ '8/131/84': 3, '8/129/88': 2, '8/131/85': 1 });
  });

  it('stops on SIGTERM and removes its data', async () => {
    expect(fs.existsSync(dataDir)).toBe(true);
    const exited = new Promise<number | null>((resolve) => node.child.on('exit', resolve));
    node.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(fs.existsSync(dataDir)).toBe(false);
    await expect(fetch(`${url}/_cluster/health`)).rejects.toThrow();
  }, 60_000);
});
