import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error';

/** Largest request body the API reads; a listing is well under 2 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * A JSON request body, refused early when too large: by its Content-Length before a byte
 * is read, else as soon as the bytes read pass the limit (no buffering of the rest).
 */
export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError('unsupported_media_type', 'send the body as application/json');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new ApiError('payload_too_large', `body is larger than ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.destroy();
      throw new ApiError('payload_too_large', `body is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ApiError('bad_request', 'body is not valid JSON', 'body');
  }
}
