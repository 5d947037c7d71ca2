import { Client } from '@elastic/elasticsearch';
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
 * Elasticsearch 8 and 9 through the official client (`^8.19`: 9.x needs Node 22, and an
 * 8.x client speaks to a 9 server through REST compatibility). Credentials come from the
 * URL or an API key; a CA file is trusted when given.
 */
export class ElasticsearchClient implements ClusterClient {
  readonly product = 'elasticsearch';
  readonly client: Client;

  constructor(conn: ClusterConnection, client?: Client) {
    this.client =
      client ??
      new Client({
        node: conn.url,
        ...(conn.apiKey ? { auth: { apiKey: conn.apiKey } } : {}),
        ...(conn.ca ? { tls: { ca: conn.ca } } : {}),
        requestTimeout: conn.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        maxRetries: CLIENT_RETRIES,
      });
  }

  async request<T>(req: ClusterRequest, options: RequestOptions = {}): Promise<ClusterResponse<T>> {
    try {
      const res = await this.client.transport.request(
        transportParams(req),
        // meta: the status with the body (this client otherwise answers with the body alone).
        { meta: true, ...transportOptions(options) },
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
    const res = await this.request<{ id: string }>({ method: 'POST', path: `/${index}/_pit`, querystring: { keep_alive: keepAlive } });
    return res.body.id;
  }

  async closePointInTime(id: string): Promise<void> {
    await this.request({ method: 'DELETE', path: '/_pit', body: { id } }, { allow: [404] });
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
