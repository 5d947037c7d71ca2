import fs from 'node:fs';
import type { Config } from '../config';
import { ClusterEngine } from './cluster/cluster-engine';
import type { ClusterConnection } from './cluster/cluster-client';
import { ElasticsearchClient } from './cluster/elasticsearch-client';
import { OpenSearchClient } from './cluster/opensearch-client';

function readCa(file: string | undefined, name: string): string | undefined {
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${name}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The cluster engine when the environment names a cluster, else null. */
export function openClusterEngine(config: Config): ClusterEngine | null {
  if (config.ELASTICSEARCH_URL) {
    const conn: ClusterConnection = { url: config.ELASTICSEARCH_URL };
    if (config.ELASTICSEARCH_API_KEY) conn.apiKey = config.ELASTICSEARCH_API_KEY;
    const ca = readCa(config.ELASTICSEARCH_CA, 'ELASTICSEARCH_CA');
    if (ca) conn.ca = ca;
    return new ClusterEngine(new ElasticsearchClient(conn));
  }
  if (config.OPENSEARCH_URL) {
    const conn: ClusterConnection = { url: config.OPENSEARCH_URL };
    const ca = readCa(config.OPENSEARCH_CA, 'OPENSEARCH_CA');
    if (ca) conn.ca = ca;
    return new ClusterEngine(new OpenSearchClient(conn));
  }
  return null;
}
