import dns from 'node:dns';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import tls from 'node:tls';
import { MAX_PHOTO_BYTES } from '../contract/photos';
import { sniffPhotoFormat } from './photo-encoder';
import type { PhotoFetchPolicy } from './photo-fetch-policy';

/** Why a fetch failed: a fixed set, so /metrics labels stay few. */
export const FETCH_FAILURES = ['host_refused', 'address_refused', 'redirects', 'http_status', 'too_large', 'timeout', 'network', 'not_an_image'] as const;
export type FetchFailure = (typeof FETCH_FAILURES)[number];

export type FetchOutcome =
  | { ok: true; bytes: Buffer }
  /** `permanent`: asking again cannot help (refused by the policy, gone, not a photo). */
  | { ok: false; reason: FetchFailure; permanent: boolean; message: string };

export interface FetchLimits {
  /** Most bytes read of one photo; a larger one is abandoned as it arrives. @default MAX_PHOTO_BYTES (10 MiB, as an upload) */
  maxBytes: number;
  /** From asking to the answer's headers (DNS, connecting, TLS included). @default 10_000 */
  headersMs: number;
  /** The whole fetch, redirects and body included: a body trickled a byte at a time ends here. @default 30_000 */
  totalMs: number;
  /** Redirects followed, each to an allowed host. @default 3 */
  maxRedirects: number;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = { maxBytes: MAX_PHOTO_BYTES, headersMs: 10_000, totalMs: 30_000, maxRedirects: 3 };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Answers that say the photo is not there and will not be: no point asking again. */
const GONE = new Set([404, 410]);

class FetchRefused extends Error {
  constructor(
    readonly reason: FetchFailure,
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/**
 * Fetches one photo over HTTPS from a host the policy allows, as a stranger's URL must be
 * fetched: the host's addresses are resolved here and refused when private (and the
 * connection goes to the address checked, so a name that resolves again differently —
 * DNS rebinding — cannot slip a private address in), every redirect is checked as the
 * first URL was, the body is bounded in bytes and time, and what arrives is taken for a
 * photo only when its first bytes say JPEG, PNG or WebP (the Content-Type is the sender's
 * word). Connections are kept alive and shared, a few per host (`sockets`).
 */
export class PhotoFetcher {
  private readonly agent: https.Agent;
  private readonly limits: FetchLimits;
  private readonly inFlight = new Set<AbortController>();

  constructor(
    private readonly policy: PhotoFetchPolicy,
    options: { limits?: Partial<FetchLimits>; ca?: string; sockets?: number } = {},
  ) {
    this.limits = { ...DEFAULT_FETCH_LIMITS, ...options.limits };
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: options.sockets ?? 4,
      // An operator's CA is added to the usual ones, not put in their place.
      ...(options.ca ? { ca: [...tls.rootCertificates, options.ca] } : {}),
    });
  }

  async fetch(raw: string): Promise<FetchOutcome> {
    const controller = new AbortController();
    this.inFlight.add(controller);
    const deadline = setTimeout(() => controller.abort(new FetchRefused('timeout', `no whole photo within ${this.limits.totalMs} ms`, false)), this.limits.totalMs);
    try {
      let url = new URL(raw);
      for (let hop = 0; ; hop++) {
        if (!this.policy.allows(url)) {
          const where = hop === 0 ? url.host : `a redirect to ${url.protocol}//${url.host}`;
          throw new FetchRefused('host_refused', `${where}: only https from PHOTO_IMPORT_HOSTS is fetched`, true);
        }
        this.checkLiteralAddress(url);
        const res = await this.ask(url, controller.signal);
        const status = res.statusCode ?? 0;
        if (REDIRECTS.has(status)) {
          res.destroy();
          const location = res.headers.location;
          if (!location) throw new FetchRefused('http_status', `answered ${status} without a Location`, true);
          if (hop >= this.limits.maxRedirects) throw new FetchRefused('redirects', `more than ${this.limits.maxRedirects} redirects`, true);
          url = new URL(location, url);
          continue;
        }
        if (status !== 200) {
          res.destroy();
          throw new FetchRefused('http_status', `answered ${status}`, GONE.has(status));
        }
        const bytes = await this.body(res);
        if (!sniffPhotoFormat(bytes)) throw new FetchRefused('not_an_image', `not a JPEG, PNG or WebP image (sent as ${String(res.headers['content-type'] ?? 'nothing')})`, true);
        return { ok: true, bytes };
      }
    } catch (err) {
      const e = controller.signal.aborted ? controller.signal.reason : err;
      if (e instanceof FetchRefused) return { ok: false, reason: e.reason, permanent: e.permanent, message: e.message };
      return { ok: false, reason: 'network', permanent: false, message: ((e as Error).message || String(e)).slice(0, 200) };
    } finally {
      clearTimeout(deadline);
      this.inFlight.delete(controller);
    }
  }

  /** Cuts every fetch in flight and lets go of kept-alive connections. */
  close(): void {
    for (const c of this.inFlight) c.abort(new FetchRefused('network', 'the importer stopped', false));
    this.agent.destroy();
  }

  /** A host written as an address is never looked up, so its address is checked here. */
  private checkLiteralAddress(url: URL): void {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (net.isIP(host) && !this.policy.addressAllowed(host)) throw new FetchRefused('address_refused', `${host} is not a public address`, true);
  }

  /** Looks the host up and hands the connection only addresses the policy allows. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    dns.lookup(hostname, { all: true, family: options.family ?? 0, ...(options.hints !== undefined ? { hints: options.hints } : {}) }, (err, addresses) => {
      if (err) return callback(err, '');
      const refused = addresses.find((a) => !this.policy.addressAllowed(a.address));
      if (refused || addresses.length === 0) {
        return callback(new FetchRefused('address_refused', `${hostname} resolves to ${refused?.address ?? 'nothing'}, not a public address`, true), '');
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };

  /** The answer's head, or a timeout when it is not there within `headersMs`. */
  private ask(url: URL, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          agent: this.agent,
          lookup: this.lookup,
          signal,
          headers: { accept: 'image/webp,image/png,image/jpeg;q=0.9', 'accept-encoding': 'identity', 'user-agent': 'Roost-photo-import/1' },
        },
        (res) => {
          clearTimeout(timer);
          resolve(res);
        },
      );
      const timer = setTimeout(() => req.destroy(new FetchRefused('timeout', `no answer within ${this.limits.headersMs} ms`, false)), this.limits.headersMs);
      req.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      req.end();
    });
  }

  /** The body, refused as soon as it is larger than the cap (by its length, or as it arrives). */
  private body(res: IncomingMessage): Promise<Buffer> {
    const { maxBytes } = this.limits;
    const tooLarge = () => new FetchRefused('too_large', `larger than ${maxBytes} bytes`, true);
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      res.destroy();
      return Promise.reject(tooLarge());
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) res.destroy(tooLarge());
        else chunks.push(chunk);
      });
      res.once('end', () => resolve(Buffer.concat(chunks)));
      res.once('error', reject);
      res.once('close', () => {
        if (!res.complete) reject(new FetchRefused('network', 'the body ended early', false));
      });
    });
  }
}
