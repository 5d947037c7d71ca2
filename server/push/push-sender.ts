import crypto from 'node:crypto';
import https from 'node:https';
import webpush from 'web-push';
import type { PushPayload } from '../contract/alert-channels';
import { log } from '../log';
import type { PushHosts } from './push-hosts';
import type { PushStore, StoredSubscription, VapidKeys } from './push-store';

export interface PushSender {
  /** `subscriptions`: the owner's, read already (a page of alerts reads them for all its owners at once). */
  sendToOwner(owner: string, payload: PushPayload, subscriptions?: StoredSubscription[]): Promise<{ delivered: number }>;
  /** Several owners' subscriptions in one read (an owner with none is absent). */
  subscriptionsOf(owners: string[]): Promise<Map<string, StoredSubscription[]>>;
}

/** How long a push request may take, connect to answer: a service slower than this is down for now. */
export const PUSH_TIMEOUT_MS = 10_000;
/** How long a push service keeps a notification for a browser that is offline: a day (a home's news is stale after that). */
export const PUSH_TTL_S = 24 * 3600;
/**
 * An endpoint that took a payload is not sent it again for this long: the caller retries a
 * send while another of the owner's endpoints fails (an outbox backing off for hours), and
 * the renter's other devices must not buzz at each retry. Bounded: past TAKEN_MAX the oldest
 * are forgotten first.
 */
const TAKEN_MEMORY_MS = 6 * 3600_000;
const TAKEN_MAX = 50_000;
/** How long one VAPID signature is reused, and how long it says it is valid. */
const VAPID_REUSE_MS = 3600_000;
const VAPID_VALID_S = 12 * 3600;
/** What an encrypted aes128gcm record may carry (4096 less the header and padding web-push adds). */
const MAX_PAYLOAD_BYTES = 3_800;

export interface WebPushSenderOptions {
  store: PushStore;
  keys: VapidKeys;
  /** `mailto:` or `https:` — who the push services may write to about these requests (RFC 8292). */
  subject: string;
  hosts: PushHosts;
  timeoutMs?: number;
  /** A PEM CA trusted instead of the usual ones: for a test's own push service only, never set from the environment. */
  ca?: string;
}

/** Why a send is to be tried again later: the service could not be reached, or answered 5xx/429. */
export class PushUnavailable extends Error {}

/** A payload that fits one push record: the body is what gives way. */
export function fitPayload(payload: PushPayload): string {
  let text = JSON.stringify(payload);
  if (Buffer.byteLength(text) <= MAX_PAYLOAD_BYTES) return text;
  let body = payload.body;
  while (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES && body.length > 0) {
    body = Array.from(body).slice(0, Math.floor(Array.from(body).length * 0.8)).join('');
    text = JSON.stringify({ ...payload, body: `${body}…` });
  }
  return text;
}

/** RFC 8030's Topic: at most 32 characters of URL-safe base64, so the payload's tag is hashed into one. */
export function topicOf(tag: string): string {
  return crypto.createHash('sha256').update(tag).digest('base64url').slice(0, 32);
}

/** The VAPID subject: PUBLIC_URL when it is a public https origin, else a mailto: at its host (RFC 8292 §2.1). */
export function vapidSubject(publicUrl: string | undefined, mailFrom: string | undefined): string {
  if (publicUrl) {
    const url = new URL(publicUrl);
    if (url.protocol === 'https:' && url.hostname !== 'localhost' && !/^[\d.]+$|^\[/.test(url.hostname)) return url.origin;
  }
  const address = /<([^>]+)>/.exec(mailFrom ?? '')?.[1] ?? (mailFrom && /^[^\s@]+@[^\s@]+$/.test(mailFrom) ? mailFrom : null);
  return `mailto:${address ?? `roost@${publicUrl ? new URL(publicUrl).hostname : 'localhost'}`}`;
}

type Outcome = 'taken' | 'gone' | 'refused' | 'retry';

/**
 * Web Push with `web-push` (RFC 8291 aes128gcm payloads, RFC 8292 VAPID): each of the
 * owner's subscriptions is sent the payload at once; a 404/410 forgets the subscription;
 * the send resolves with how many endpoints took it and rejects (PushUnavailable) only when
 * a push service could not be reached or answered 5xx/429, for the caller to retry — an
 * endpoint that took the payload is not sent it again by that retry (remembered here a
 * while; on another node the tag replaces the notification in the browser). Requests go
 * only to PUSH_HOSTS, with a timeout, over an agent that never follows a redirect (a 3xx
 * is a refusal).
 */
export class WebPushSender implements PushSender {
  private readonly agent: https.Agent;
  private readonly taken = new Map<string, number>();
  /** Sends that got an answer or none, by outcome (for /metrics and tests). */
  readonly counts: Record<Outcome, number> = { taken: 0, gone: 0, refused: 0, retry: 0 };

  constructor(private readonly o: WebPushSenderOptions) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 16, ...(o.ca ? { ca: o.ca } : {}) });
  }

  get publicKey(): string {
    return this.o.keys.publicKey;
  }

  async sendToOwner(owner: string, payload: PushPayload, subscriptions?: StoredSubscription[]): Promise<{ delivered: number }> {
    const subs = subscriptions ?? (await this.o.store.subscriptionsOf(owner));
    const text = fitPayload(payload);
    const outcomes = await Promise.all(subs.map((s) => this.sendOne(s, text, payload.tag)));
    const delivered = outcomes.filter((x) => x === 'taken').length;
    const retry = outcomes.filter((x) => x === 'retry').length;
    if (retry > 0) throw new PushUnavailable(`push: ${retry} of ${subs.length} push services could not take it now (${delivered} did); try again`);
    return { delivered };
  }

  subscriptionsOf(owners: string[]): Promise<Map<string, StoredSubscription[]>> {
    return this.o.store.subscriptionsOfMany(owners);
  }

  private async sendOne(s: StoredSubscription, text: string, tag: string): Promise<Outcome> {
    if (!this.o.hosts.allows(s.endpoint)) {
      // Kept before PUSH_HOSTS was narrowed: never called, and forgotten.
      log.warn({ host: safeHost(s.endpoint) }, 'push: a subscription names a host outside PUSH_HOSTS; forgotten');
      await this.o.store.drop(s.endpoint);
      return this.count('refused');
    }
    const key = crypto.createHash('sha256').update(s.endpoint).update('\n').update(text).digest('base64url');
    const at = this.taken.get(key);
    if (at !== undefined && Date.now() - at < TAKEN_MEMORY_MS) return 'taken';
    try {
      await webpush.sendNotification({ endpoint: s.endpoint, keys: s.keys }, text, {
        headers: { Authorization: this.vapidFor(s.endpoint) },
        TTL: PUSH_TTL_S,
        urgency: 'normal',
        topic: topicOf(tag),
        contentEncoding: 'aes128gcm',
        timeout: this.o.timeoutMs ?? PUSH_TIMEOUT_MS,
        agent: this.agent,
      });
      this.remember(key);
      return this.count('taken');
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) {
        await this.o.store.drop(s.endpoint);
        return this.count('gone');
      }
      if (status === undefined || status === 429 || status >= 500) {
        log.warn({ host: safeHost(s.endpoint), status, err: (err as Error).message }, 'push: service unavailable; the send is retried');
        return this.count('retry');
      }
      // 400 (a malformed subscription), 403 (keys it does not know), 413, a redirect: trying again would not help.
      log.warn({ host: safeHost(s.endpoint), status }, 'push: the push service refused the request');
      return this.count('refused');
    }
  }

  /** VAPID Authorization by push service origin, with when it was signed. */
  private readonly vapid = new Map<string, { at: number; header: string }>();

  /**
   * The VAPID Authorization for an endpoint's push service: one ES256 signature an origin an
   * hour (valid 12 h, RFC 8292 allows 24), not one a request — at thousands of alerts a
   * second the signature was a large part of a push's cost.
   */
  private vapidFor(endpoint: string): string {
    const audience = new URL(endpoint).origin;
    const now = Date.now();
    const known = this.vapid.get(audience);
    if (known && now - known.at < VAPID_REUSE_MS) return known.header;
    const { Authorization } = webpush.getVapidHeaders(audience, this.o.subject, this.o.keys.publicKey, this.o.keys.privateKey, 'aes128gcm', Math.floor(now / 1000) + VAPID_VALID_S);
    this.vapid.set(audience, { at: now, header: Authorization });
    return Authorization;
  }

  private count(o: Outcome): Outcome {
    this.counts[o]++;
    return o;
  }

  private remember(key: string): void {
    const now = Date.now();
    this.taken.set(key, now);
    if (this.taken.size > TAKEN_MAX) {
      for (const [k, at] of this.taken) if (now - at >= TAKEN_MEMORY_MS || this.taken.size > TAKEN_MAX / 2) this.taken.delete(k);
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

/** An endpoint's host for the log: the rest of its URL is a capability, never logged. */
function safeHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return 'invalid';
  }
}
