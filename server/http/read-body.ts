import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error';

/** Largest request body the API reads; a listing is well under 2 KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * A request body's bytes, refused early when too large: by its Content-Length before a
 * byte is read, else as soon as the bytes read pass the limit. Either way the rest is never
 * read: sendError answers a request whose body is unread with `Connection: close`.
 */
export async function readBytes(req: IncomingMessage, limit: number, tooLarge = `body is larger than ${limit} bytes`): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new ApiError('payload_too_large', tooLarge);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading but keep the socket: the 413 still has to be written to it.
        req.pause();
        req.off('data', onData);
        reject(new ApiError('payload_too_large', tooLarge));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    // The client went away mid-body: nothing to answer, but the handler must not wait forever.
    req.once('close', () => {
      if (!req.complete) reject(new ApiError('bad_request', 'body ended early', 'body'));
    });
  });
}

/** A JSON request body (application/json), at most `limit` bytes. */
export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ApiError('unsupported_media_type', 'send the body as application/json');
  const body = await readBytes(req, limit);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new ApiError('bad_request', 'body is not valid JSON', 'body');
  }
}
