import type { ListingRecord } from '../core/listing';
import type { Filters, SearchArea } from '../engine/search-engine';
import type { HolderRegistry } from './holder-registry';
import type { AlertChannel, EmailFrequency, EmailNote } from '../contract/alert-channels';
import type { AlertOutbox } from './alert-outbox';

export const ALERT_REASONS = ['new', 'price_drop', 'removed'] as const;
export type AlertReason = (typeof ALERT_REASONS)[number];

export interface SavedSearch {
  id: string;
  name: string;
  area: SearchArea;
  filters: Filters;
  /** Which changes the renter wants to hear of. */
  notify: AlertReason[];
  paused: boolean;
  createdAt: number;
  /**
   * The change log's last sequence when the search was saved: it hears only of changes
   * after it. The matcher may read a change after a search saved later than the change
   * committed, and must not tell that search of it.
   */
  since: number;
  /** Where its alerts go (CONTRACT.md "Alert channels"). */
  channels: AlertChannel[];
  frequency: EmailFrequency;
  /** Set when the server changed what was asked (a search too wide for instant mail). */
  emailNote?: EmailNote;
}

/**
 * The search id an alert carries in the store when a favourite raised it: a favourite is
 * a home, not a saved search, and the alert's listing names it (CONTRACT.md `favourite`).
 */
export const FAVOURITE_SOURCE = 'favourite';

/** A home a renter keeps (CONTRACT.md "Favourites"): by listing id, apart from saved searches. */
export interface Favourite {
  listingId: string;
  savedAt: number;
  priceWhenSaved: number;
  /** The listing when it was saved: what /saved shows once the home is taken down. */
  listing: ListingRecord;
  /** The change log's last sequence when it was saved: it hears only of later changes. */
  since: number;
  channels: AlertChannel[];
  frequency: EmailFrequency;
}

export interface Alert {
  /** Increases with every alert, so per owner too: a client drops ids it has seen. */
  id: number;
  /** The saved search that alerted, or FAVOURITE_SOURCE. */
  searchId: string;
  reason: AlertReason;
  listing: ListingRecord;
  /** A price drop's price before it, so the renter reads old → new. */
  previousPrice?: number;
  at: number;
}

/**
 * An alert about to be written: keyed by (change, owner) — one per home per change however
 * many of the renter's searches and favourites it matched — so a retry cannot repeat it.
 */
export interface NewAlert {
  seq: number;
  /** The owner: an account id, or an anonymous session's key (account-store.ts). */
  session: string;
  searchId: string;
  reason: AlertReason;
  listing: ListingRecord;
  previousPrice?: number;
  /** The mail and push sends this alert asks for, written with it (alert-outbox.ts). */
  outbox?: OutboxIntent[];
}

/** One (alert, channel) send the matcher asks for: for the source that chose the channel. */
export interface OutboxIntent {
  channel: 'email' | 'push';
  /** The saved search id, or FAVOURITE_SOURCE, whose choice this is (its name heads the mail; unsubscribe turns it off). */
  source: string;
  /** Waits for the owner's daily digest rather than going now. */
  digest: boolean;
  /** When it may go (epoch ms): now plus a moment to gather, or the next digest hour. */
  dueAt: number;
}

export interface SearchOwner {
  session: string;
  notify: AlertReason[];
  paused: boolean;
  /** Changes up to this sequence came before the search (SavedSearch.since). */
  since: number;
  channels: AlertChannel[];
  frequency: EmailFrequency;
}

/** Who keeps a listing, since when, and where its alerts go (for the matcher). */
export interface KeptBy {
  owner: string;
  listingId: string;
  since: number;
  channels: AlertChannel[];
  frequency: EmailFrequency;
}

/** A page of every session's alerts for one node to deliver: those it holds, and how far it read. */
export interface DeliveryPage {
  last: number;
  alerts: (Alert & { session: string })[];
  read: number;
}

/**
 * Saved searches, their alerts (each renter's inbox) and the matcher's place in the change
 * log with its lease: SQLite in DATA_DIR on one machine, PostgreSQL (DATABASE_URL) across
 * hosts, so a renter's searches and inbox follow them to any node. Alert ids increase in
 * commit order (a node delivers by following them); the matcher's commit is fenced on the
 * cursor it read, so a paused holder that wakes after a takeover cannot commit twice.
 */
export interface AlertStore extends HolderRegistry, AlertOutbox {
  /** Keeps a home; false when the owner already had it (nothing changes). */
  putFavourite(owner: string, f: Favourite): Promise<boolean>;
  removeFavourite(owner: string, listingId: string): Promise<boolean>;
  /** Newest first. */
  favouritesOf(owner: string): Promise<Favourite[]>;
  favouriteCount(owner: string): Promise<number>;
  /** Forgets everything an owner kept — saved searches, favourites, alerts — in one transaction; the saved searches' ids (their areas go too). */
  forgetOwner(owner: string): Promise<string[]>;
  /** Who keeps each of these listings, and since when (for the matcher). */
  favouritesOn(listingIds: string[]): Promise<KeptBy[]>;
  /** Changes a favourite's channels; false when the owner does not keep it. */
  setFavouriteChannels(owner: string, listingId: string, channels: AlertChannel[], frequency: EmailFrequency): Promise<boolean>;
  createSearch(session: string, s: SavedSearch): Promise<void>;
  /** Changes what a renter may change; false when the search is not theirs (or gone). */
  updateSearch(session: string, s: SavedSearch): Promise<boolean>;
  deleteSearch(session: string, id: string): Promise<boolean>;
  searchesOf(session: string): Promise<SavedSearch[]>;
  searchOf(session: string, id: string): Promise<SavedSearch | null>;
  countOf(session: string): Promise<number>;
  /** Who owns each search id, what they want to hear of, and whether it is paused. */
  owners(ids: string[]): Promise<Map<string, SearchOwner>>;
  /** A session's alerts after an id, oldest first. */
  alertsOf(session: string, after: number, limit: number): Promise<Alert[]>;
  /** Every session's alerts after an id; only those `wanted` says this node holds are returned whole. */
  alertsAfter(after: number, limit: number, wanted: (session: string) => boolean): Promise<DeliveryPage>;
  lastAlertId(): Promise<number>;
  /** Where matching starts on a new store: the log's end; an existing cursor is kept. */
  initCursor(seq: number): Promise<void>;
  /** Takes or renews the matcher's lease; true when this node holds it. `startCursor` is asked for only if there is no cursor yet. */
  claim(node: string, leaseMs: number, startCursor: () => Promise<number>): Promise<boolean>;
  matcherCursor(): Promise<number>;
  /** A batch's alerts, their outbox rows and the cursor moved past it, in one transaction, only if this node still holds the lease at `from`. */
  commitBatch(node: string, from: number, to: number, leaseMs: number, alerts: NewAlert[]): Promise<number[] | null>;
  release(node: string): Promise<void>;
  close(): Promise<void>;
}
