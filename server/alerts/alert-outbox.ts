import type { ListingRecord } from '../core/listing';
import type { Locale } from '../../components/i18n/messages';
import type { AlertReason, Favourite, SavedSearch } from './alert-store';

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

/** What a page of rows needs besides the rows, asked for in one call (OutboxSender's page). */
export interface PageContextQuery {
  /** Owners whose language the mails and notifications are written in. */
  owners: string[];
  /** Saved searches the rows name (ids; each read with its owner, checked by the caller). */
  searchIds: string[];
  /** Owners with favourite rows: their favourites. */
  favouriteOwners: string[];
  /** Owners with new instant mails: how many instant mails each was sent since `since` (ALERT_MAILS_PER_HOUR). */
  capOwners: string[];
  since: number;
}

export interface PageContext {
  locales: Map<string, Locale>;
  /** By search id, with the owner it belongs to. */
  searches: Map<string, { owner: string; search: SavedSearch }>;
  favourites: Map<string, Favourite[]>;
  /** Instant mails sent since `since`, by owner (absent: none). */
  mailsSent: Map<string, number>;
}

/**
 * One slice of the outbox by owner: `index` of `count`, each under its own sender lease, so
 * several nodes send at once while one owner's rows (a search's mail, the hourly cap) stay
 * with one sender. `count` 1 is the whole outbox.
 */
export interface SenderPartition {
  index: number;
  count: number;
}

/** How a row ended: accepted by the mail server / push service, or not to be sent (unsubscribed, no address…). */
export type OutboxOutcome = 'sent' | 'skipped';

/**
 * The alert outbox and its one sender (server/alert-mail/): the same store as the alerts,
 * so a row is written with its alert or not at all. Rows are taken under an attempt lease
 * (`leaseUntil`): a sender that dies holding them leaves them to be taken again once it
 * runs out; one sender in the cluster at a time holds the sender lease.
 */
/**
 * An owner's push rows one take gathers at most: a backlog (the push service down for an
 * hour under a city-wide search) goes in pushes of this many, not in one take of every row
 * with its alert and listing in memory at once.
 */
export const PUSH_ROWS_A_TAKE = 500;

export interface AlertOutbox {
  /** Takes or renews a partition's sender lease (the store's clock where it has one); true when this node holds it. */
  claimSender(node: string, leaseMs: number, partition?: SenderPartition): Promise<boolean>;
  releaseSender(node: string, partition?: SenderPartition): Promise<void>;
  /**
   * Takes up to `limit` rows due by `now` that no attempt holds, the longest due first, each with
   * its attempt count raised and held until `now + attemptMs`. Rows of a mail or push already
   * formed (mailKey set) come whole with it, an instant mail row with its search's
   * other instant rows, and a push row with its owner's due push rows not held (up to PUSH_ROWS_A_TAKE): the sender
   * sends an owner's push rows as one push, so the further behind it is, the more each carries.
   * `channel`: only that channel's rows (the sender takes mail and push pages apart).
   */
  takeDue(now: number, attemptMs: number, limit: number, partition?: SenderPartition, channel?: 'email' | 'push'): Promise<OutboxRow[]>;
  /** Fixes which rows go in a mail (or a push), before it is first sent. */
  setMailKey(ids: number[], mailKey: string): Promise<void>;
  /** setMailKey for a page of mails at once. */
  setMailKeys(mails: { key: string; ids: number[] }[]): Promise<void>;
  /** Locales, searches, favourites and hourly counts a page of rows needs, read at once. */
  pageContext(q: PageContextQuery): Promise<PageContext>;
  /** Rows done: no attempt takes them again. */
  finish(ids: number[], outcome: OutboxOutcome, at: number): Promise<void>;
  /** Rows not sent this time: free again from `dueAt`, in the digest when `digest`, their mail unformed unless `keepMail`. */
  postpone(ids: number[], dueAt: number, digest: boolean, keepMail: boolean): Promise<void>;
  /** Instant mails an owner was sent since a time (distinct mails, not rows). */
  mailsSentSince(owner: string, since: number): Promise<number>;
  /** Rows waiting (not finished), for /metrics and tests. */
  outboxWaiting(): Promise<number>;
  /**
   * Deletes up to `limit` rows finished before `before`, the longest finished first; how many
   * it deleted. A sent row is needed only for the hourly cap (an hour) and for looking back.
   */
  forgetDone(before: number, limit: number): Promise<number>;
  /** The language the owner reads mail in, kept when they chose email. */
  setMailLocale(owner: string, locale: Locale): Promise<void>;
  mailLocale(owner: string): Promise<Locale | null>;
  /**
   * Turns email off for one saved search (source = its id) or favourite (listingId given),
   * and lets go of that source's waiting email rows; false when the owner has no such one.
   */
  unsubscribe(owner: string, source: string, listingId: string | null): Promise<boolean>;
}
