import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type https from 'node:https';
import { startLocalHttps } from './local-https';

/** What a subscription's endpoint does with a push: answer a status, never answer, drop the connection, redirect. */
export type EndpointBehaviour = { status: number } | { hang: true } | { drop: true } | { redirect: string };

/** A push the service took apart: the VAPID token checked (RFC 8292), the payload decrypted (RFC 8291). */
export interface ReceivedPush {
  /** The endpoint's path (`/push/…`). */
  path: string;
  /** The decrypted payload as text, and as JSON when it is. */
  text: string;
  payload: any;
  ttl: number | null;
  urgency: string | null;
  topic: string | null;
  /** The VAPID claims and the public key that signed them (URL-safe base64). */
  vapid: { aud: string; exp: number; sub: string; k: string };
  status: number;
  at: number;
}

export interface TestSubscription {
  /** As a browser's `PushSubscription.toJSON()` gives it. */
  json: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  path: string;
  received: ReceivedPush[];
}

const b64u = (b: Buffer) => b.toString('base64url');

/**
 * A push service of the test's own (h-push; reusable by any bench or test): HTTPS on
 * loopback with a certificate made for the occasion (`localhost`, 127.0.0.1 — hand `ca` to
 * the sender), subscriptions made with node:crypto's ECDH P-256 and a random auth secret as
 * a browser makes them. Every push is checked as a real service would: the `vapid`
 * Authorization's JWT verified (ES256 over header.claims with the key it names, `aud` the
 * endpoint's origin, `exp` within 24 h, `sub` a mailto: or https: contact), and the body
 * decrypted (RFC 8291 aes128gcm, implemented here from the RFC, not by web-push's own
 * code). A push that fails either is answered 400/403 and kept in `refused`.
 *
 * A server in the test's process trusts it with `startRoost(config, { pushCa: service.ca })`
 * and `PUSH_HOSTS: service.hostEntry`; a server started as its own process (a bench's
 * nodes) with `NODE_EXTRA_CA_CERTS=service.caFile` in its environment. `received[i].at` is
 * when each push arrived (change → push request latency).
 */
export class PushService {
  readonly subscriptions = new Map<string, { sub: TestSubscription; ecdh: crypto.ECDH; auth: Buffer; behaviour: EndpointBehaviour }>();
  readonly received: ReceivedPush[] = [];
  readonly refused: { path: string; reason: string }[] = [];
  /** Every request by path, answered or not. */
  readonly requests: string[] = [];
  /** Only tokens signed with this key are taken, when set (the server's VAPID public key). */
  expectKey: string | null = null;

  private constructor(
    private readonly server: https.Server,
    readonly port: number,
    readonly ca: string,
    readonly caFile: string,
  ) {}

  static async start(): Promise<PushService> {
    let self: PushService | null = null;
    const h = await startLocalHttps('push-service', (req, res) => void self!.handle(req, res));
    self = new PushService(h.server, h.port, h.ca, h.caFile);
    return self;
  }

  /** `localhost:PORT`: the PUSH_HOSTS entry that lets a server send here. */
  get hostEntry(): string {
    return `localhost:${this.port}`;
  }

  get origin(): string {
    return `https://localhost:${this.port}`;
  }

  /** A new browser subscription whose endpoint behaves as told (201 by default). */
  subscribe(behaviour: EndpointBehaviour = { status: 201 }, host = 'localhost'): TestSubscription {
    const ecdh = crypto.createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = crypto.randomBytes(16);
    const p = `/push/${crypto.randomBytes(12).toString('base64url')}`;
    const sub: TestSubscription = {
      json: { endpoint: `https://${host}:${this.port}${p}`, expirationTime: null, keys: { p256dh: b64u(ecdh.getPublicKey()), auth: b64u(auth) } },
      path: p,
      received: [],
    };
    this.subscriptions.set(p, { sub, ecdh, auth, behaviour });
    return sub;
  }

  behave(sub: TestSubscription, behaviour: EndpointBehaviour): void {
    this.subscriptions.get(sub.path)!.behaviour = behaviour;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined);
    const p = new URL(req.url ?? '/', 'https://x').pathname;
    this.requests.push(p);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const entry = this.subscriptions.get(p);
    if (!entry || req.method !== 'POST') {
      res.writeHead(404).end();
      return;
    }
    const refuse = (status: number, reason: string) => {
      this.refused.push({ path: p, reason });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(reason);
    };
    let vapid: ReceivedPush['vapid'];
    try {
      vapid = this.checkVapid(String(req.headers.authorization ?? ''));
    } catch (err) {
      return refuse(403, `VAPID: ${(err as Error).message}`);
    }
    if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(400, `Content-Encoding: ${String(req.headers['content-encoding'])}, not aes128gcm`);
    let text: string;
    try {
      text = decryptAes128gcm(body, entry.ecdh, entry.auth).toString('utf8');
    } catch (err) {
      return refuse(400, `payload: ${(err as Error).message}`);
    }
    const b = entry.behaviour;
    const status = 'status' in b ? b.status : 'redirect' in b ? 301 : 0;
    let payload: unknown = null;
    try {
      payload = JSON.parse(text);
    } catch {
      // a payload that is not JSON is kept as text
    }
    const got: ReceivedPush = {
      path: p,
      text,
      payload,
      ttl: req.headers.ttl === undefined ? null : Number(req.headers.ttl),
      urgency: (req.headers.urgency as string | undefined) ?? null,
      topic: (req.headers.topic as string | undefined) ?? null,
      vapid,
      status,
      at: Date.now(),
    };
    this.received.push(got);
    entry.sub.received.push(got);
    if ('hang' in b) return; // never answered: the sender's timeout is what ends it
    if ('drop' in b) return void req.socket.destroy();
    if ('redirect' in b) return void res.writeHead(301, { location: b.redirect }).end();
    res.writeHead(b.status, b.status === 201 ? { location: `${p}/message/${this.received.length}` } : {}).end();
  }

  /** RFC 8292: `vapid t=JWT, k=KEY`, the JWT ES256-signed with KEY, for this origin, ending within a day. */
  private checkVapid(header: string): ReceivedPush['vapid'] {
    const m = /^vapid\s+t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header.trim());
    if (!m) throw new Error(`Authorization is not "vapid t=…, k=…": ${header.slice(0, 40)}`);
    const [, token, k] = m as unknown as [string, string, string];
    const point = Buffer.from(k, 'base64url');
    if (point.length !== 65 || point[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
    if (this.expectKey && k !== this.expectKey) throw new Error('k is not the server\'s VAPID key');
    const [h, c, s] = token.split('.');
    if (!h || !c || !s) throw new Error('t is not a JWT');
    const head = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string; typ?: string };
    if (head.alg !== 'ES256') throw new Error(`alg ${head.alg}, not ES256`);
    const key = crypto.createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: 'jwk' });
    if (!crypto.verify('sha256', Buffer.from(`${h}.${c}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))) throw new Error('signature does not verify');
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as { aud?: string; exp?: number; sub?: string };
    if (claims.aud !== this.origin && claims.aud !== `https://127.0.0.1:${this.port}`) throw new Error(`aud ${claims.aud}, not ${this.origin}`);
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 24 * 3600) throw new Error(`exp ${claims.exp} is not within the next 24 h`);
    if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) throw new Error(`sub ${claims.sub} is not a mailto: or https: contact`);
    return { aud: claims.aud, exp: claims.exp, sub: claims.sub, k };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * RFC 8291 (Message Encryption for Web Push) over RFC 8188's aes128gcm, one record: the
 * header's key id is the application server's ephemeral public key; the browser's private
 * key and auth secret make the content key and nonce.
 */
export function decryptAes128gcm(body: Buffer, ua: crypto.ECDH, authSecret: Buffer): Buffer {
  if (body.length < 21) throw new Error('shorter than an aes128gcm header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  if (idlen !== 65) throw new Error(`key id is ${idlen} bytes, not a P-256 point`);
  const record = body.subarray(21 + idlen);
  if (record.length > rs) throw new Error('more than one record');
  const uaPublic = ua.getPublicKey();
  const ecdhSecret = ua.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(crypto.hkdfSync('sha256', ecdhSecret, authSecret, keyInfo, 32));
  const cek = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(crypto.hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (end < 0 || plain[end] !== 2) throw new Error('no last-record delimiter');
  return plain.subarray(0, end);
}
