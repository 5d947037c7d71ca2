/**
 * The seam between the cluster engine and a product's client. Elasticsearch and
 * OpenSearch speak the same REST API for what Roost does; an adapter holds the client,
 * its auth, its error types, and the few endpoints that differ (point in time).
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

export interface ClusterRequest {
  method: HttpMethod;
  path: string;
  body?: unknown;
  querystring?: Record<string, string | number | boolean>;
}

export interface ClusterResponse<T> {
  status: number;
  body: T;
}

export interface RequestOptions {
  /** Statuses returned as answers instead of thrown (404 for a missing document). */
  allow?: number[];
  /** @default the client's requestTimeout */
  timeoutMs?: number;
}

/** One bulk operation: an action line and, for index and create, the document. */
export interface BulkOperation {
  action: { index?: BulkTarget; create?: BulkTarget; delete?: BulkTarget };
  document?: object;
}

export interface BulkTarget {
  _index: string;
  _id: string;
  if_seq_no?: number;
  if_primary_term?: number;
  /** The change's sequence number: the cluster keeps the newest and refuses older ones. */
  version?: number;
  version_type?: 'external';
}

export interface BulkDrop {
  operation: BulkOperation;
  status: number;
  reason: string;
}

export interface ClusterClient {
  readonly product: 'elasticsearch' | 'opensearch';
  /** Throws EngineUnavailable, EngineConflict or EngineFailure; never a client's own error. */
  request<T>(req: ClusterRequest, options?: RequestOptions): Promise<ClusterResponse<T>>;
  /**
   * Sends operations through the client's bulk helper (batched by size, 429s retried
   * with backoff); operations the cluster refused come back, not thrown.
   */
  bulk(operations: BulkOperation[], refresh: boolean): Promise<BulkDrop[]>;
  /** Opens a point in time over an index; resolves to its id. */
  openPointInTime(index: string, keepAlive: string): Promise<string>;
  closePointInTime(id: string): Promise<void>;
  close(): Promise<void>;
}

/** How a cluster is reached, from the environment (CONTRACT.md "Environment"). */
export interface ClusterConnection {
  url: string;
  /** Elasticsearch only: an API key (ELASTICSEARCH_API_KEY). */
  apiKey?: string;
  /** PEM text of a CA to trust (ELASTICSEARCH_CA / OPENSEARCH_CA, read from the file). */
  ca?: string;
  /**
   * How long one request may take before the engine reports the cluster unavailable.
   * @default 5000
   */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
/**
 * Transient failures (connection, timeout, 502–504) are retried this many times by the
 * client: once, so a cluster that swallows requests is reported within two timeouts.
 */
export const CLIENT_RETRIES = 1;
export const BULK_RETRIES = 5;

/** Statuses that say "not now" rather than "never": the cluster is busy, starting or red. */
export function isUnavailableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** A request as both clients' `transport.request` takes it. */
export function transportParams(req: ClusterRequest) {
  return {
    method: req.method,
    path: req.path,
    ...(req.body !== undefined ? { body: req.body as object } : {}),
    ...(req.querystring ? { querystring: req.querystring } : {}),
  };
}

/** Per-request options as both clients name them. */
export function transportOptions(options: RequestOptions) {
  return {
    ...(options.allow ? { ignore: options.allow } : {}),
    ...(options.timeoutMs ? { requestTimeout: options.timeoutMs } : {}),
  };
}
