import type { PushSubscriptionJson } from '../contract/alert-channels';

/**
 * Web Push's side of the record (issue 29): the VAPID keys every node signs with, the
 * browsers' subscriptions by owner (an account, or an anonymous session's owner key), and
 * the message notifier's claims and place in the messages table. SQLite (alerts.db, beside
 * the records a sign-in moves) on one machine, PostgreSQL (migration 14) across hosts; one
 * contract suite (test/push-store-contract.test.ts) runs on both.
 */

/** Subscriptions one owner keeps: a new one past this replaces the one used least recently. */
export const MAX_PUSH_SUBSCRIPTIONS = 20;

export interface VapidKeys {
  /** URL-safe base64 of the uncompressed P-256 point (65 bytes): `applicationServerKey`. */
  publicKey: string;
  /** URL-safe base64 of the 32-byte private scalar. */
  privateKey: string;
}

export interface StoredSubscription {
  endpoint: string;
  owner: string;
  keys: { p256dh: string; auth: string };
  /** The browser's language when it subscribed ('en' | 'zh'): what the server writes it in. */
  locale: string;
  createdAt: number;
}

export interface PushStore {
  /**
   * The keys of the whole record: `candidate` is kept if none were yet (the first node to
   * start), and whatever is kept is returned — every node signs with the same keys.
   */
  vapidKeys(candidate: VapidKeys): Promise<VapidKeys>;
  /**
   * Keeps a browser's subscription for `owner` (an endpoint names one browser: posted again,
   * by whoever holds it now, it moves to them with its new keys). Past `max` the owner's
   * oldest go.
   */
  subscribe(owner: string, s: PushSubscriptionJson, locale: string, now: number, max?: number): Promise<void>;
  /** Forgets the owner's subscription at this endpoint; false if they had none there. */
  unsubscribe(owner: string, endpoint: string): Promise<boolean>;
  subscriptionsOf(owner: string): Promise<StoredSubscription[]>;
  /** subscriptionsOf for several owners in one read; an owner with none is absent. */
  subscriptionsOfMany(owners: string[]): Promise<Map<string, StoredSubscription[]>>;
  /** The push service said the endpoint is gone (404/410): forgotten, whoever owned it. */
  drop(endpoint: string): Promise<void>;
  /**
   * Claims the right to notify about `key` (a conversation and its recipient) now: true,
   * and the claim is stored, when the last claim is older than `periodMs`; false otherwise.
   * Shared by every node, so one of them notifies once per period.
   */
  claimNotice(key: string, now: number, periodMs: number): Promise<boolean>;
  /** A reader's place (the message notifier's last message id considered); null before its first. */
  cursor(name: string): Promise<number | null>;
  /** Moves a reader's place forward, never back. */
  setCursor(name: string, value: number): Promise<void>;
  close(): Promise<void>;
}
