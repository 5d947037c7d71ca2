import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Capability } from '../capability';
import { DEFAULT_PHOTO_WIDTH, MAX_PHOTO_BYTES, PHOTO_TYPES, PHOTO_WIDTHS, ownPhotoUrl } from '../contract/photos';
import { MAX_PHOTOS } from '../core/listing';
import type { StoreEngine } from '../engine/store-engine';
import { ApiError, sendJson, withinBudget } from '../http/api-error';
import { pathId } from '../http/query-schemas';
import { readBytes } from '../http/read-body';
import type { WriteContext, Writer } from '../http/write-routes';
import type { Limiter } from '../ops/rate-limit';
import { encodePhoto } from './photo-encoder';
import { PhotoCache } from './photo-cache';
import type { PhotoStore, PhotoVariant } from './photo-store';

export interface PhotosOptions {
  photos: PhotoStore;
  engine: StoreEngine;
  /** Who may add a photo to a listing: its host or the operator (the write API's rule). */
  authorize(req: IncomingMessage, listingId: string): Promise<Writer>;
  pushed: WriteContext['pushed'];
  /** photos: new photos a host account may have encoded (RATE_PHOTOS_PER_DAY); the operator's token is not counted. */
  limits: Limiter<'photos'>;
}

/** Encodes at once: each takes a core for a few hundred milliseconds; the rest wait their turn. */
const ENCODING_AT_ONCE = 2;
/** Uploads waiting for an encoder; more are told to come back (503) rather than held in memory. */
const MAX_WAITING = 8;
const CACHE_BYTES = 64 * 1024 * 1024;
const UPLOAD_PATH = /^\/api\/listings\/([^/]+)\/photos$/;
const SERVE_PATH = /^\/photos\/([0-9a-f]{64})$/;

/** A few at a time; a bounded queue behind them. */
class Gate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    private readonly width: number,
    private readonly depth: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.width) {
      if (this.waiting.length >= this.depth) throw new ApiError('unavailable', 'too many photos are being processed; try again in a few seconds');
      await new Promise<void>((r) => this.waiting.push(r));
    }
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * Photos (CONTRACT.md "Host listings and photos"): an upload is checked, re-encoded
 * (photo-encoder.ts: WebP at each width, no metadata), stored in the record by its content
 * hash and appended to the listing's photos; `/photos/:hash?w=` serves it from our own
 * origin with a year's immutable cache, from memory when it was served lately.
 */
export function photosModule(o: PhotosOptions): Capability & { encoded: () => number } {
  const gate = new Gate(ENCODING_AT_ONCE, MAX_WAITING);
  const cache = new PhotoCache<PhotoVariant>(CACHE_BYTES);
  /** Host accounts with a photo at the encoders now: one each, so no one host fills the queue everyone shares. */
  const encodingFor = new Set<string>();
  let encoded = 0;

  /** Encodes for a writer within its share: a host one photo at a time, RATE_PHOTOS_PER_DAY a day. */
  const encodeFor = async (writer: Writer, res: ServerResponse, body: Buffer) => {
    if (writer.kind === 'admin') return gate.run(() => encodePhoto(body));
    const account = writer.accountId;
    if (encodingFor.has(account)) {
      res.setHeader('retry-after', '1');
      throw new ApiError('rate_limited', 'one photo at a time: send the next when this one is done');
    }
    encodingFor.add(account);
    try {
      withinBudget(await o.limits.take('photos', account), res, 'new photos today');
      return await gate.run(() => encodePhoto(body));
    } finally {
      encodingFor.delete(account);
    }
  };

  const upload = async (req: IncomingMessage, res: ServerResponse, rawId: string) => {
    const id = pathId(rawId);
    const writer = await o.authorize(req, id);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!(PHOTO_TYPES as readonly string[]).includes(type)) throw new ApiError('unsupported_media_type', `send the photo as ${PHOTO_TYPES.join(', ')}`);
    const listing = await o.engine.store.get(id);
    if (!listing) throw new ApiError('not_found', `no listing with id ${id}`, 'id');
    if ((listing.photos?.length ?? 0) >= MAX_PHOTOS) throw new ApiError('conflict', `a listing has at most ${MAX_PHOTOS} photos; remove one first`);
    const body = await readBytes(req, MAX_PHOTO_BYTES, `a photo is at most ${MAX_PHOTO_BYTES / 1024 / 1024} MiB`);
    const hash = crypto.createHash('sha256').update(body).digest('hex');
    if (!(await o.photos.has(hash))) {
      const out = await encodeFor(writer, res, body);
      if (!out.ok) {
        if (out.status === 'too_many_pixels') throw new ApiError('payload_too_large', out.message);
        throw new ApiError('unsupported_media_type', out.message);
      }
      await o.photos.put(hash, out.variants);
      encoded++;
    }
    const url = ownPhotoUrl(hash);
    const written = await o.engine.write({ op: 'patch', id, patch: {}, appendPhotos: [url] });
    await o.pushed();
    if (!written.existed) throw new ApiError('not_found', `no listing with id ${id}`, 'id');
    sendJson(res, 201, { url });
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, hash: string, url: URL) => {
    const w = Number(url.searchParams.get('w') ?? DEFAULT_PHOTO_WIDTH);
    if (!(PHOTO_WIDTHS as readonly number[]).includes(w)) throw new ApiError('bad_request', `w: must be one of ${PHOTO_WIDTHS.join(', ')}`, 'w');
    const etag = `"${hash.slice(0, 32)}-${w}"`;
    const headers = {
      'content-type': 'image/webp',
      'cache-control': 'public, max-age=31536000, immutable',
      etag,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const key = `${hash}:${w}`;
    let photo = cache.get(key);
    if (!photo) {
      photo = (await o.photos.get(hash, w)) ?? undefined;
      if (!photo) throw new ApiError('not_found', 'no such photo');
      cache.set(key, photo);
    }
    res.writeHead(200, { ...headers, 'content-length': photo.bytes.length });
    res.end(req.method === 'HEAD' ? undefined : photo.bytes);
  };

  return {
    name: 'photos',
    encoded: () => encoded,
    routes: [
      async (req, res, url) => {
        const up = UPLOAD_PATH.exec(url.pathname);
        if (up) {
          if (req.method !== 'POST') throw new ApiError('method_not_allowed', `${req.method} is not allowed here`);
          await upload(req, res, up[1]!);
          return true;
        }
        const get = SERVE_PATH.exec(url.pathname);
        if (!get) return false;
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError('method_not_allowed', `${req.method} is not allowed here`);
        await serve(req, res, get[1]!, url);
        return true;
      },
    ],
  };
}
