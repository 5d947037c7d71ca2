import fs from 'node:fs';
import type { Config } from '../config';
import type { ListingStore } from '../store/listing-store';
import { ClusterIndex } from './cluster/cluster-index';
import type { ClusterConnection } from './cluster/cluster-client';
import { ClusterIndexedEngine } from './cluster/cluster-indexed-engine';
import { ElasticsearchClient } from './cluster/elasticsearch-client';
import { OpenSearchClient } from './cluster/opensearch-client';
import { EmbeddedEngine } from './embedded/embedded-engine';
import type { StoreEngine } from './store-engine';

function readCa(file: string | undefined, name: string): string | undefined {
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${name}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The search index on the cluster the environment names, else null (the in-memory index). */
export function openClusterIndex(config: Config): ClusterIndex | null {
  if (config.ELASTICSEARCH_URL) {
    const conn: ClusterConnection = { url: config.ELASTICSEARCH_URL };
    if (config.ELASTICSEARCH_API_KEY) conn.apiKey = config.ELASTICSEARCH_API_KEY;
    const ca = readCa(config.ELASTICSEARCH_CA, 'ELASTICSEARCH_CA');
    if (ca) conn.ca = ca;
    return new ClusterIndex(new ElasticsearchClient(conn));
  }
  if (config.OPENSEARCH_URL) {
    const conn: ClusterConnection = { url: config.OPENSEARCH_URL };
    const ca = readCa(config.OPENSEARCH_CA, 'OPENSEARCH_CA');
    if (ca) conn.ca = ca;
    return new ClusterIndex(new OpenSearchClient(conn));
  }
  return null;
}

/** The store with the index the environment names following its log. */
export async function openEngine(config: Config, store: ListingStore, node: string): Promise<StoreEngine> {
  const index = openClusterIndex(config);
  if (index) return ClusterIndexedEngine.open({ store, index, node });
  return EmbeddedEngine.open({ dataDir: config.dataDir, store });
}
