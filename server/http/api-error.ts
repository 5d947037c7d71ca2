import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { EngineUnavailable } from '../engine/engine-errors';
import type { Took } from '../ops/rate-limit';
import { isStorageFull } from '../ops/storage-space';
import { isStoreBusy } from '../store/store-busy';

export type ErrorCode =
  | 'bad_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'rate_limited'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unprocessable'
  | 'unavailable'
  | 'storage_full'
  | 'internal';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  rate_limited: 429,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  unavailable: 503,
  storage_full: 503,
  internal: 500,
};

/** The one error type of the HTTP API: it decides the status and the body. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.code];
  }

  /** The contract's `{"error": {"code", "message", "field"?}}`. */
  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }

  static fromZod(err: z.ZodError, whole = 'body'): ApiError {
    const issue = err.issues[0]!;
    // An unknown key is named itself; a problem with the whole value names that value.
    const unknown = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const field = [...issue.path.map(String), ...(unknown !== undefined ? [unknown] : [])].join('.') || whole;
    return new ApiError('bad_request', `${field}: ${unknown !== undefined ? 'is not a field here' : issue.message}`, field);
  }
}

/** A value checked against its schema: the parsed value, or the 400 naming the first field wrong. */
export function validated<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw ApiError.fromZod(r.error);
  return r.data;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * A request refused before its body arrived (too large, unauthorized, too fast, wrong
 * type): Node would read the rest to the end and throw it away to keep the connection.
 * Such an answer closes the connection instead, so a refused upload costs nothing more.
 */
function bodyUnread(req: IncomingMessage): boolean {
  const announced = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  return announced && !req.complete;
}

/** How long to wait, in words a person reads: seconds, minutes or hours. */
function waitText(s: number): string {
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.ceil(s / 60)} min`;
  return `${Math.ceil(s / 3600)} h`;
}

/**
 * A budget spent (ops/rate-limit.ts): nothing to do. Refused: 429 with Retry-After, saying
 * of what there were too many and how long to wait.
 */
export function withinBudget(took: Took, res: ServerResponse, tooMany: string): void {
  if (took.ok) return;
  res.setHeader('retry-after', String(took.retryAfterS));
  throw new ApiError('rate_limited', `too many ${tooMany}; try again in ${waitText(took.retryAfterS)}`);
}

/** Client errors go back as they are; anything else is logged and reported plainly. */
export function sendError(res: ServerResponse, err: unknown, log: (msg: string, err: unknown) => void): void {
  if (err instanceof ApiError) {
    if (err.status >= 500) log(`api error ${err.code}`, err);
    if (bodyUnread(res.req)) res.shouldKeepAlive = false;
    sendJson(res, err.status, err.toJSON());
    return;
  }
  if (isStorageFull(err)) {
    // The disk (or the database's) is full: the write was rolled back, nothing was kept.
    log('storage full', err);
    res.setHeader('retry-after', '10');
    sendJson(res, 503, new ApiError('storage_full', 'the server has no room to save this; nothing was saved, try again later').toJSON());
    return;
  }
  if (isStoreBusy(err)) {
    log('store busy', err);
    res.setHeader('retry-after', '1');
    sendJson(res, 503, new ApiError('unavailable', 'the server is busy; nothing was saved, try again shortly').toJSON());
    return;
  }
  if (err instanceof EngineUnavailable) {
    // The cluster is down or busy: say so plainly; its details are for the log only.
    log('search engine unavailable', err);
    sendJson(res, 503, new ApiError('unavailable', 'the listings store is unavailable; try again shortly').toJSON());
    return;
  }
  log('unexpected error', err);
  sendJson(res, 500, new ApiError('internal', 'internal error').toJSON());
}
