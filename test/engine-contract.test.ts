/**
 * The engine contract suite on every engine that can run here: the embedded engine
 * always; a real OpenSearch node (started with `npm run opensearch`) whenever Java 21+
 * and Maven are present — in CI they are, so that leg runs there, never skips; a real
 * Elasticsearch whenever ELASTICSEARCH_URL is set. A leg that cannot run says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterEngine } from '../server/engine/cluster/cluster-engine';
import { ElasticsearchClient } from '../server/engine/cluster/elasticsearch-client';
import { OpenSearchClient } from '../server/engine/cluster/opensearch-client';
import type { ClusterClient } from '../server/engine/cluster/cluster-client';
import { EmbeddedEngine } from '../server/engine/embedded/embedded-engine';
import { importFile } from '../server/import/importer';
import { engineContract } from './engine-contract/engine-contract';
import { NYC_CSV, tempDir } from './helpers/roost';
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
  for (const index of ['listings-v*', 'roost-saved-searches', 'roost-meta']) {
    await client.request({ method: 'DELETE', path: `/${index}`, querystring: { expand_wildcards: 'all' } }, { allow: [404] });
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

  engineContract({
    name: 'opensearch',
    open: async () => {
      const client = new OpenSearchClient({ url: node.url });
      await emptyCluster(client);
      return new ClusterEngine(client);
    },
    reference: () => reference,
  });
});

const esUrl = process.env.ELASTICSEARCH_URL;
if (!esUrl) process.stdout.write('engine contract, Elasticsearch leg skipped: ELASTICSEARCH_URL is not set\n');
describe.skipIf(!esUrl)('Elasticsearch at ELASTICSEARCH_URL', () => {
  engineContract({
    name: 'elasticsearch',
    open: async () => {
      const client = new ElasticsearchClient({ url: esUrl!, ...(process.env.ELASTICSEARCH_API_KEY ? { apiKey: process.env.ELASTICSEARCH_API_KEY } : {}) });
      await emptyCluster(client);
      return new ClusterEngine(client);
    },
    reference: () => reference,
  });
});
