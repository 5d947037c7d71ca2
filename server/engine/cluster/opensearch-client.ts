import { Client } from '@opensearch-project/opensearch';
import {
  CLIENT_RETRIES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type BulkDrop,
  type BulkOperation,
  type ClusterClient,
  type ClusterConnection,
  type ClusterRequest,
  type ClusterResponse,
  type RequestOptions,
  transportOptions,
  transportParams,
} from './cluster-client';
import { runBulkHelper } from './bulk-helper';
import { translateClientError } from './client-errors';

/**
 * OpenSearch 2 and 3 through its official client. Credentials come from the URL; a CA
 * file is trusted when given. The client wraps every answer in `{ body, statusCode }`,
 * and a point in time lives at `_search/point_in_time` with its id as `pit_id`.
 */
export class OpenSearchClient implements ClusterClient {
  readonly product = 'opensearch';
  readonly client: Client;

  constructor(conn: ClusterConnection) {
    this.client = new Client({
      node: conn.url,
      ...(conn.ca ? { ssl: { ca: conn.ca } } : {}),
      requestTimeout: conn.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      maxRetries: CLIENT_RETRIES,
    });
  }

  async request<T>(req: ClusterRequest, options: RequestOptions = {}): Promise<ClusterResponse<T>> {
    try {
      const res = await this.client.transport.request(
        transportParams(req),
        transportOptions(options),
      );
      return { status: res.statusCode ?? 200, body: res.body as T };
    } catch (err) {
      throw translateClientError(err, this.product);
    }
  }

  bulk(operations: BulkOperation[], refresh: boolean): Promise<BulkDrop[]> {
    return runBulkHelper(this.client.helpers, operations, refresh, this.product);
  }

  async openPointInTime(index: string, keepAlive: string): Promise<string> {
    const res = await this.request<{ pit_id: string }>({
      method: 'POST',
      path: `/${index}/_search/point_in_time`,
      querystring: { keep_alive: keepAlive },
    });
    return res.body.pit_id;
  }

  async closePointInTime(id: string): Promise<void> {
    await this.request({ method: 'DELETE', path: '/_search/point_in_time', body: { pit_id: [id] } }, { allow: [404] });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
