import type { ListingRecord } from '../core/listing';
import type { Locale } from '../../components/i18n/messages';
import type { AlertReason } from './alert-store';

/**
 * One (alert, channel) send waiting or done: written in the same transaction as its alert
 * (AlertStore.commitBatch), unique on (alert id, channel), so an alert reaches each chosen
 * channel from exactly one row.
 */
export interface OutboxRow {
  /** The row's own id (increases in commit order). */
  id: number;
  alertId: number;
  channel: 'email' | 'push';
  owner: string;
  /** The saved search id or FAVOURITE_SOURCE that chose the channel. */
  source: string;
  digest: boolean;
  dueAt: number;
  attempts: number;
  /**
   * The mail this row went into, fixed before the first attempt to send it: a retry after
   * a crash sends the same rows as the same mail (same Message-ID), never a regrouping.
   */
  mailKey: string | null;
  /** The alert it carries. */
  reason: AlertReason;
  listing: ListingRecord;
  previousPrice?: number;
  at: number;
}

/** How a row ended: accepted by the mail server / push service, or not to be sent (unsubscribed, no address…). */
export type OutboxOutcome = 'sent' | 'skipped';

/**
 * The alert outbox and its one sender (server/alert-mail/): the same store as the alerts,
 * so a row is written with its alert or not at all. Rows are taken under an attempt lease
 * (`leaseUntil`): a sender that dies holding them leaves them to be taken again once it
 * runs out; one sender in the cluster at a time holds the sender lease.
 */
export interface AlertOutbox {
  /** Takes or renews the sender's lease (the store's clock where it has one); true when this node holds it. */
  claimSender(node: string, leaseMs: number): Promise<boolean>;
  releaseSender(node: string): Promise<void>;
  /**
   * Takes up to `limit` rows due by `now` that no attempt holds, oldest first, each with
   * its attempt count raised and held until `now + attemptMs`. Rows of a mail already
   * formed (mailKey set) come whole with their mail.
   */
  takeDue(now: number, attemptMs: number, limit: number): Promise<OutboxRow[]>;
  /** Fixes which mail rows go in, before it is first sent. */
  setMailKey(ids: number[], mailKey: string): Promise<void>;
  /** Rows done: no attempt takes them again. */
  finish(ids: number[], outcome: OutboxOutcome, at: number): Promise<void>;
  /** Rows not sent this time: free again from `dueAt`, in the digest when `digest`, their mail unformed unless `keepMail`. */
  postpone(ids: number[], dueAt: number, digest: boolean, keepMail: boolean): Promise<void>;
  /** Instant mails an owner was sent since a time (distinct mails, not rows). */
  mailsSentSince(owner: string, since: number): Promise<number>;
  /** Rows waiting (not finished), for /metrics and tests. */
  outboxWaiting(): Promise<number>;
  /** The language the owner reads mail in, kept when they chose email. */
  setMailLocale(owner: string, locale: Locale): Promise<void>;
  mailLocale(owner: string): Promise<Locale | null>;
  /**
   * Turns email off for one saved search (source = its id) or favourite (listingId given),
   * and lets go of that source's waiting email rows; false when the owner has no such one.
   */
  unsubscribe(owner: string, source: string, listingId: string | null): Promise<boolean>;
}
