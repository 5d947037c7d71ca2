import { EngineConflict, EngineFailure, EngineUnavailable } from '../engine-errors';
import { isUnavailableStatus } from './cluster-client';

interface ClientError {
  name?: string;
  message?: string;
  meta?: { statusCode?: number; body?: { error?: { type?: string } } };
}

/**
 * A client's error as one of Roost's. Both clients name their errors alike
 * (ResponseError with the status in `meta`; ConnectionError, TimeoutError,
 * NoLivingConnectionsError otherwise). Only the status and the error type reach the
 * message: never the request, the URL (it may hold credentials) or the response body.
 */
export function translateClientError(err: unknown, product: string): Error {
  const e = (err ?? {}) as ClientError;
  const status = e.meta?.statusCode;
  if (e.name === 'ResponseError' && typeof status === 'number') {
    const type = e.meta?.body?.error?.type ?? 'error';
    if (status === 409) return new EngineConflict(`${product}: ${type}`);
    if (isUnavailableStatus(status)) return new EngineUnavailable(`${product} answered ${status} (${type})`);
    return new EngineFailure(`${product} refused a request: ${status} ${type}`, status);
  }
  // Connection refused, DNS, TLS, timeout, no living node, a body that is not JSON.
  return new EngineUnavailable(`${product} unreachable: ${e.name ?? 'error'}`);
}
