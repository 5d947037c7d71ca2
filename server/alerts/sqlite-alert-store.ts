import type Database from 'better-sqlite3';
import type { Filters, SearchArea } from '../engine/search-engine';
import type { ListingRecord } from '../core/listing';
import type { Alert, AlertReason, AlertStore, DeliveryPage, Favourite, KeptBy, NewAlert, SavedSearch, SearchOwner } from './alert-store';
import type { AlertChannel, EmailFrequency, EmailNote } from '../contract/alert-channels';
import type { Locale } from '../../components/i18n/messages';
import { PUSH_ROWS_A_TAKE, type OutboxOutcome, type OutboxRow, type PageContext, type PageContextQuery, type SenderPartition } from './alert-outbox';
import { addMissingColumns, openSharedDatabase } from '../core/shared-database';
import { PUSH_SCHEMA_SQLITE } from '../push/push-schema';
import { distinctListings, listingKey, withListings, type ListingSide, type StoredAlert } from './alert-listings';

// AUTOINCREMENT: an id is never reused, so "after ID" means the same thing forever.
// listing: NULL when it is in alert_listings; rows of files made before that hold it here.
// session is the owner (an account, or an anonymous session): one alert per home per
// change per owner, however many of their searches and favourites the change matched.
const ALERTS_TABLE = (name: string) => `CREATE TABLE IF NOT EXISTS ${name} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session TEXT NOT NULL,
  search_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  reason TEXT NOT NULL,
  listing TEXT,
  at INTEGER NOT NULL,
  previous_price INTEGER,
  UNIQUE (seq, session)
);`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS saved_searches (
  id TEXT PRIMARY KEY,
  session TEXT NOT NULL,
  name TEXT NOT NULL,
  area TEXT NOT NULL,
  filters TEXT NOT NULL,
  notify TEXT NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  since INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS saved_searches_session ON saved_searches (session);
${ALERTS_TABLE('alerts')}
CREATE INDEX IF NOT EXISTS alerts_session ON alerts (session, id);
-- Each listing an alert shows, once per change and side (alert-listings.ts), not in every
-- alert row: a popular write makes hundreds of alerts of one listing.
CREATE TABLE IF NOT EXISTS alert_listings (
  seq INTEGER NOT NULL,
  side INTEGER NOT NULL,
  listing TEXT NOT NULL,
  PRIMARY KEY (seq, side)
) WITHOUT ROWID;
-- Which node holds each renter's sockets until when (holder-registry.ts).
CREATE TABLE IF NOT EXISTS holders (
  session TEXT NOT NULL,
  node TEXT NOT NULL,
  expires INTEGER NOT NULL,
  PRIMARY KEY (session, node)
) WITHOUT ROWID;
-- Homes a renter keeps, by id (alert-store.ts Favourite).
CREATE TABLE IF NOT EXISTS favourites (
  owner TEXT NOT NULL,
  listing_id TEXT NOT NULL,
  saved_at INTEGER NOT NULL,
  price_when_saved INTEGER NOT NULL,
  listing TEXT NOT NULL,
  since INTEGER NOT NULL,
  PRIMARY KEY (owner, listing_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS favourites_listing ON favourites (listing_id);
-- One row per (alert, channel) to mail or push, written with the alert (alert-outbox.ts).
CREATE TABLE IF NOT EXISTS alert_outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id INTEGER NOT NULL,
  channel TEXT NOT NULL,
  owner TEXT NOT NULL,
  source TEXT NOT NULL,
  digest INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  lease_until INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  mail_key TEXT,
  done_at INTEGER,
  outcome TEXT,
  UNIQUE (alert_id, channel)
);
-- The sender's take walks this in order and stops at a page (due rows of its channel, oldest
-- due first): by id it walked every row ever sent first, or every due row and sorted them.
CREATE INDEX IF NOT EXISTS alert_outbox_take ON alert_outbox (channel, due_at, id) WHERE done_at IS NULL;
DROP INDEX IF EXISTS alert_outbox_due;
CREATE INDEX IF NOT EXISTS alert_outbox_mail ON alert_outbox (mail_key) WHERE done_at IS NULL;
CREATE INDEX IF NOT EXISTS alert_outbox_sent ON alert_outbox (owner, done_at) WHERE outcome = 'sent';
-- Finished rows by when, so they are forgotten a day later (forgetDone) without a walk of the table.
CREATE INDEX IF NOT EXISTS alert_outbox_done ON alert_outbox (done_at) WHERE done_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS alert_outbox_owner ON alert_outbox (owner, source) WHERE done_at IS NULL;
-- The language each owner reads alert mail in, kept when they chose email.
CREATE TABLE IF NOT EXISTS mail_locales (
  owner TEXT PRIMARY KEY,
  locale TEXT NOT NULL
) WITHOUT ROWID;
-- One row: which node sends the outbox, until when.
CREATE TABLE IF NOT EXISTS alert_sender (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  holder TEXT,
  expires INTEGER NOT NULL
);
-- One row: how far the cluster has matched the change log, and which node holds the work.
CREATE TABLE IF NOT EXISTS matcher (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cursor INTEGER NOT NULL,
  holder TEXT,
  expires INTEGER NOT NULL
);
`;

type SearchRow = [string, string, string, string, string, number, number, number, string, string, string | null];
const SEARCH_COLUMNS = 'id, name, area, filters, notify, paused, created_at, since, channels, frequency, email_note';
type OutboxDbRow = [id: number, alertId: number, channel: string, owner: string, source: string, digest: number, dueAt: number, attempts: number, mailKey: string | null];
const OUTBOX_COLUMNS = 'o.id, o.alert_id, o.channel, o.owner, o.source, o.digest, o.due_at, o.attempts, o.mail_key';
type AlertRow = [id: number, searchId: string, reason: string, listing: string | null, session: string, at: number, previousPrice: number | null, seq: number];

function outboxOf([id, alertId, channel, owner, source, digest, dueAt, attempts, mailKey]: OutboxDbRow, a: Alert): OutboxRow {
  return {
    id, alertId, channel: channel as OutboxRow['channel'], owner, source, digest: digest === 1, dueAt, attempts, mailKey,
    reason: a.reason, listing: a.listing, at: a.at, ...(a.previousPrice !== undefined ? { previousPrice: a.previousPrice } : {}),
  };
}

function storedOf([id, searchId, reason, listing, session, at, previousPrice, seq]: AlertRow): StoredAlert {
  return { id, searchId, reason: reason as AlertReason, listing, session, at, previousPrice, seq };
}

/** Whether the alerts table is as ALERTS_TABLE makes it now: listing nullable, one alert per (change, owner). */
function alertsTableCurrent(db: Database.Database): boolean {
  const strict = (db.prepare('PRAGMA table_info(alerts)').all() as { name: string; notnull: number }[]).some((c) => c.name === 'listing' && c.notnull === 1);
  if (strict) return false;
  const unique = (db.prepare('PRAGMA index_list(alerts)').all() as { name: string; unique: number }[]).filter((i) => i.unique === 1);
  return unique.some((i) => (db.prepare(`PRAGMA index_info(${JSON.stringify(i.name)})`).all() as { name: string }[]).map((c) => c.name).join(',') === 'seq,session');
}

/**
 * Files of earlier releases declared alerts.listing NOT NULL (before alert_listings) and
 * keyed alerts by (change, search) (before favourites and one alert per home per change);
 * SQLite cannot change a constraint in place, so the table is rebuilt once, ids and all,
 * in one transaction. Repeats the old key allowed (a favourite-box search and another
 * search on one drop) keep their first.
 */
function rebuildAlertsTable(db: Database.Database): void {
  if (alertsTableCurrent(db)) return;
  db.transaction(() => {
    if (alertsTableCurrent(db)) return; // another process on the file rebuilt it first
    db.exec('DROP TABLE IF EXISTS alerts_rebuilt');
    db.exec(ALERTS_TABLE('alerts_rebuilt'));
    db.exec(
      'INSERT INTO alerts_rebuilt (id, session, search_id, seq, reason, listing, at, previous_price) SELECT id, session, search_id, seq, reason, listing, at, previous_price FROM alerts WHERE id IN (SELECT MIN(id) FROM alerts GROUP BY seq, session)',
    );
    db.exec('DROP TABLE alerts');
    db.exec('ALTER TABLE alerts_rebuilt RENAME TO alerts');
    db.exec('CREATE INDEX IF NOT EXISTS alerts_session ON alerts (session, id)');
  }).immediate();
}

function searchOf([id, name, area, filters, notify, paused, createdAt, since, channels, frequency, emailNote]: SearchRow): SavedSearch {
  return {
    id,
    name,
    area: JSON.parse(area) as SearchArea,
    filters: JSON.parse(filters) as Filters,
    notify: JSON.parse(notify) as AlertReason[],
    paused: paused === 1,
    createdAt,
    since,
    channels: JSON.parse(channels) as AlertChannel[],
    frequency: frequency as EmailFrequency,
    ...(emailNote ? { emailNote: emailNote as EmailNote } : {}),
  };
}

/**
 * Saved searches, their alerts and the matcher's place in the change log, in one SQLite
 * file every node on a DATA_DIR shares (WAL: one writer, readers never blocked). Every
 * call is one short synchronous transaction behind the async seam.
 */
export class SqliteAlertStore implements AlertStore {
  readonly db: Database.Database;
  private readonly s;

  constructor(dataDir: string) {
    this.db = openSharedDatabase(dataDir, 'alerts.db');
    // A file made before previous_price existed gains it (NULL: not a price drop), then
    // loses the NOT NULL on listing, before the schema's new tables and indexes.
    if (this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alerts'").get()) {
      addMissingColumns(this.db, 'alerts', [['previous_price', 'INTEGER']]);
      rebuildAlertsTable(this.db);
    }
    this.db.exec(SCHEMA);
    this.db.exec(PUSH_SCHEMA_SQLITE);
    // Searches saved before `since` existed hear of every change after now, as they did.
    addMissingColumns(this.db, 'saved_searches', [
      ['since', 'INTEGER NOT NULL DEFAULT 0'],
      ['channels', `TEXT NOT NULL DEFAULT '["page"]'`],
      ['frequency', "TEXT NOT NULL DEFAULT 'instant'"],
      ['email_note', 'TEXT'],
    ]);
    addMissingColumns(this.db, 'favourites', [
      ['channels', `TEXT NOT NULL DEFAULT '["page"]'`],
      ['frequency', "TEXT NOT NULL DEFAULT 'instant'"],
    ]);
    this.s = {
      insertSearch: this.db.prepare(
        'INSERT INTO saved_searches (id, session, name, area, filters, notify, paused, created_at, since, channels, frequency, email_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      updateSearch: this.db.prepare('UPDATE saved_searches SET name = ?, notify = ?, paused = ?, channels = ?, frequency = ?, email_note = ? WHERE id = ? AND session = ?'),
      deleteSearch: this.db.prepare('DELETE FROM saved_searches WHERE id = ? AND session = ?'),
      searchesOf: this.db
        .prepare(`SELECT ${SEARCH_COLUMNS} FROM saved_searches WHERE session = ? ORDER BY created_at, id`)
        .raw(),
      searchOf: this.db.prepare(`SELECT ${SEARCH_COLUMNS} FROM saved_searches WHERE id = ? AND session = ?`).raw(),
      countOf: this.db.prepare('SELECT COUNT(*) FROM saved_searches WHERE session = ?').pluck(),
      owners: this.db.prepare('SELECT id, session, notify, paused, since, channels, frequency FROM saved_searches WHERE id IN (SELECT value FROM json_each(?))').raw(),
      insertAlert: this.db.prepare('INSERT OR IGNORE INTO alerts (session, search_id, seq, reason, at, previous_price) VALUES (?, ?, ?, ?, ?, ?)'),
      insertListing: this.db.prepare('INSERT OR IGNORE INTO alert_listings (seq, side, listing) VALUES (?, ?, ?)'),
      listing: this.db.prepare('SELECT listing FROM alert_listings WHERE seq = ? AND side = ?').pluck(),
      alertsOf: this.db.prepare('SELECT id, search_id, reason, listing, session, at, previous_price, seq FROM alerts WHERE session = ? AND id > ? ORDER BY id LIMIT ?').raw(),
      alertsAfter: this.db.prepare('SELECT id, search_id, reason, listing, session, at, previous_price, seq FROM alerts WHERE id > ? ORDER BY id LIMIT ?').raw(),
      lastAlert: this.db.prepare('SELECT COALESCE(MAX(id), 0) FROM alerts').pluck(),
      initMatcher: this.db.prepare('INSERT OR IGNORE INTO matcher (id, cursor, holder, expires) VALUES (1, ?, NULL, 0)'),
      claim: this.db.prepare('UPDATE matcher SET holder = ?, expires = ? WHERE id = 1 AND (holder = ? OR holder IS NULL OR expires < ?)'),
      cursor: this.db.prepare('SELECT cursor, holder FROM matcher WHERE id = 1').raw(),
      lease: this.db.prepare('SELECT holder, expires FROM matcher WHERE id = 1').raw(),
      advance: this.db.prepare('UPDATE matcher SET cursor = ?, expires = ? WHERE id = 1 AND holder = ? AND cursor = ?'),
      release: this.db.prepare('UPDATE matcher SET holder = NULL, expires = 0 WHERE id = 1 AND holder = ?'),
      hold: this.db.prepare('INSERT INTO holders (session, node, expires) VALUES (?, ?, ?) ON CONFLICT (session, node) DO UPDATE SET expires = excluded.expires'),
      unhold: this.db.prepare('DELETE FROM holders WHERE session = ? AND node = ?'),
      holders: this.db.prepare('SELECT session, node FROM holders WHERE session IN (SELECT value FROM json_each(?)) AND expires >= ?').raw(),
      lapsed: this.db.prepare('DELETE FROM holders WHERE expires < ?'),
      putFavourite: this.db.prepare(
        'INSERT INTO favourites (owner, listing_id, saved_at, price_when_saved, listing, since, channels, frequency) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      removeFavourite: this.db.prepare('DELETE FROM favourites WHERE owner = ? AND listing_id = ?'),
      favouritesOf: this.db
        .prepare('SELECT listing_id, saved_at, price_when_saved, listing, since, channels, frequency FROM favourites WHERE owner = ? ORDER BY saved_at DESC, listing_id')
        .raw(),
      setFavouriteChannels: this.db.prepare('UPDATE favourites SET channels = ?, frequency = ? WHERE owner = ? AND listing_id = ?'),
      favouriteCount: this.db.prepare('SELECT COUNT(*) FROM favourites WHERE owner = ?').pluck(),
      favouritesOn: this.db.prepare('SELECT owner, listing_id, since, channels, frequency FROM favourites WHERE listing_id IN (SELECT value FROM json_each(?))').raw(),
      insertOutbox: this.db.prepare('INSERT OR IGNORE INTO alert_outbox (alert_id, channel, owner, source, digest, due_at) VALUES (?, ?, ?, ?, ?, ?)'),
      due: this.db
        .prepare('SELECT id, mail_key, channel, digest, owner, source FROM alert_outbox WHERE done_at IS NULL AND channel = ? AND due_at <= ? AND lease_until < ? ORDER BY due_at, id LIMIT ?')
        .raw(),
      dueAny: this.db
        .prepare('SELECT id, mail_key, channel, digest, owner, source FROM alert_outbox WHERE done_at IS NULL AND due_at <= ? AND lease_until < ? ORDER BY due_at, id LIMIT ?')
        .raw(),
      sameMail: this.db.prepare('SELECT id FROM alert_outbox WHERE done_at IS NULL AND mail_key = ? AND lease_until < ?').pluck(),
      sameSearch: this.db
        .prepare("SELECT id FROM alert_outbox WHERE done_at IS NULL AND owner = ? AND source = ? AND channel = 'email' AND digest = 0 AND mail_key IS NULL AND lease_until < ?")
        .pluck(),
      sameOwnerPush: this.db.prepare("SELECT id FROM alert_outbox WHERE done_at IS NULL AND owner = ? AND channel = 'push' AND due_at <= ? AND lease_until < ? ORDER BY id LIMIT ?").pluck(),
      leaseRow: this.db.prepare('UPDATE alert_outbox SET lease_until = ?, attempts = attempts + 1 WHERE id = ?'),
      outboxRows: this.db
        .prepare(
          `SELECT ${OUTBOX_COLUMNS}, a.id, a.search_id, a.reason, a.listing, a.session, a.at, a.previous_price, a.seq
           FROM alert_outbox o JOIN alerts a ON a.id = o.alert_id WHERE o.id IN (SELECT value FROM json_each(?)) ORDER BY o.id`,
        )
        .raw(),
      orphans: this.db.prepare('SELECT id FROM alert_outbox WHERE id IN (SELECT value FROM json_each(?)) AND alert_id NOT IN (SELECT id FROM alerts)').pluck(),
      setMailKey: this.db.prepare('UPDATE alert_outbox SET mail_key = ? WHERE id IN (SELECT value FROM json_each(?))'),
      finish: this.db.prepare('UPDATE alert_outbox SET done_at = ?, outcome = ?, lease_until = 0 WHERE id IN (SELECT value FROM json_each(?)) AND done_at IS NULL'),
      postpone: this.db.prepare(
        'UPDATE alert_outbox SET due_at = ?, digest = ?, lease_until = 0, mail_key = CASE WHEN ? THEN mail_key ELSE NULL END WHERE id IN (SELECT value FROM json_each(?)) AND done_at IS NULL',
      ),
      mailsSent: this.db.prepare("SELECT COUNT(DISTINCT mail_key) FROM alert_outbox WHERE owner = ? AND outcome = 'sent' AND channel = 'email' AND digest = 0 AND done_at >= ?").pluck(),
      waiting: this.db.prepare('SELECT COUNT(*) FROM alert_outbox WHERE done_at IS NULL').pluck(),
      forgetDone: this.db.prepare('DELETE FROM alert_outbox WHERE id IN (SELECT id FROM alert_outbox WHERE done_at IS NOT NULL AND done_at < ? ORDER BY done_at LIMIT ?)'),
      setLocale: this.db.prepare('INSERT INTO mail_locales (owner, locale) VALUES (?, ?) ON CONFLICT (owner) DO UPDATE SET locale = excluded.locale'),
      locale: this.db.prepare('SELECT locale FROM mail_locales WHERE owner = ?').pluck(),
      initSender: this.db.prepare('INSERT OR IGNORE INTO alert_sender (id, holder, expires) VALUES (1, NULL, 0)'),
      claimSender: this.db.prepare('UPDATE alert_sender SET holder = ?, expires = ? WHERE id = 1 AND (holder = ? OR holder IS NULL OR expires < ?)'),
      senderLease: this.db.prepare('SELECT holder, expires FROM alert_sender WHERE id = 1').raw(),
      releaseSender: this.db.prepare('UPDATE alert_sender SET holder = NULL, expires = 0 WHERE id = 1 AND holder = ?'),
      searchChannels: this.db.prepare('SELECT channels FROM saved_searches WHERE id = ? AND session = ?').pluck(),
      favouriteChannels: this.db.prepare('SELECT channels FROM favourites WHERE owner = ? AND listing_id = ?').pluck(),
      setSearchChannels: this.db.prepare('UPDATE saved_searches SET channels = ? WHERE id = ? AND session = ?'),
    };
  }

  async forgetOwner(owner: string): Promise<string[]> {
    return this.db
      .transaction(() => {
        const ids = this.db.prepare('SELECT id FROM saved_searches WHERE session = ?').pluck().all(owner) as string[];
        this.db.prepare('DELETE FROM saved_searches WHERE session = ?').run(owner);
        this.db.prepare('DELETE FROM favourites WHERE owner = ?').run(owner);
        this.db.prepare('DELETE FROM alerts WHERE session = ?').run(owner);
        this.db.prepare('DELETE FROM push_subscriptions WHERE owner = ?').run(owner);
        this.db.prepare('DELETE FROM alert_outbox WHERE owner = ?').run(owner);
        this.db.prepare('DELETE FROM mail_locales WHERE owner = ?').run(owner);
        return ids;
      })
      .immediate();
  }

  async putFavourite(owner: string, f: Favourite): Promise<boolean> {
    return this.s.putFavourite.run(owner, f.listingId, f.savedAt, f.priceWhenSaved, JSON.stringify(f.listing), f.since, JSON.stringify(f.channels), f.frequency).changes === 1;
  }

  async setFavouriteChannels(owner: string, listingId: string, channels: AlertChannel[], frequency: EmailFrequency): Promise<boolean> {
    return this.s.setFavouriteChannels.run(JSON.stringify(channels), frequency, owner, listingId).changes === 1;
  }

  async removeFavourite(owner: string, listingId: string): Promise<boolean> {
    return this.s.removeFavourite.run(owner, listingId).changes === 1;
  }

  async favouritesOf(owner: string): Promise<Favourite[]> {
    return (this.s.favouritesOf.all(owner) as [string, number, number, string, number, string, string][]).map(([listingId, savedAt, priceWhenSaved, listing, since, channels, frequency]) => ({
      listingId,
      savedAt,
      priceWhenSaved,
      listing: JSON.parse(listing) as ListingRecord,
      since,
      channels: JSON.parse(channels) as AlertChannel[],
      frequency: frequency as EmailFrequency,
    }));
  }

  async favouriteCount(owner: string): Promise<number> {
    return this.s.favouriteCount.get(owner) as number;
  }

  async favouritesOn(listingIds: string[]): Promise<KeptBy[]> {
    if (listingIds.length === 0) return [];
    return (this.s.favouritesOn.all(JSON.stringify(listingIds)) as [string, string, number, string, string][]).map(([owner, listingId, since, channels, frequency]) => ({
      owner,
      listingId,
      since,
      channels: JSON.parse(channels) as AlertChannel[],
      frequency: frequency as EmailFrequency,
    }));
  }

  async createSearch(session: string, s: SavedSearch): Promise<void> {
    this.s.insertSearch.run(
      s.id, session, s.name, JSON.stringify(s.area), JSON.stringify(s.filters), JSON.stringify(s.notify), s.paused ? 1 : 0, s.createdAt, s.since,
      JSON.stringify(s.channels), s.frequency, s.emailNote ?? null,
    );
  }

  /** Changes what a renter may change; false when the search is not theirs (or gone). */
  async updateSearch(session: string, s: SavedSearch): Promise<boolean> {
    return this.s.updateSearch.run(s.name, JSON.stringify(s.notify), s.paused ? 1 : 0, JSON.stringify(s.channels), s.frequency, s.emailNote ?? null, s.id, session).changes === 1;
  }

  async deleteSearch(session: string, id: string): Promise<boolean> {
    return this.s.deleteSearch.run(id, session).changes === 1;
  }

  async searchesOf(session: string): Promise<SavedSearch[]> {
    return (this.s.searchesOf.all(session) as SearchRow[]).map(searchOf);
  }

  async searchOf(session: string, id: string): Promise<SavedSearch | null> {
    const row = this.s.searchOf.get(id, session) as SearchRow | undefined;
    return row ? searchOf(row) : null;
  }

  async countOf(session: string): Promise<number> {
    return this.s.countOf.get(session) as number;
  }

  /** Who owns each search id, what they want to hear of, and whether it is paused. */
  async owners(ids: string[]): Promise<Map<string, SearchOwner>> {
    const out = new Map<string, SearchOwner>();
    if (ids.length === 0) return out;
    for (const [id, session, notify, paused, since, channels, frequency] of this.s.owners.all(JSON.stringify(ids)) as [string, string, string, number, number, string, string][]) {
      out.set(id, { session, notify: JSON.parse(notify) as AlertReason[], paused: paused === 1, since, channels: JSON.parse(channels) as AlertChannel[], frequency: frequency as EmailFrequency });
    }
    return out;
  }

  /** A session's alerts after an id, oldest first. */
  async alertsOf(session: string, after: number, limit: number): Promise<Alert[]> {
    return withListings((this.s.alertsOf.all(session, after, limit) as AlertRow[]).map(storedOf), this.listings);
  }

  /**
   * Every session's alerts after an id, for a node to deliver to the sockets it holds; only
   * those `wanted` says it holds are read whole (each node reads every alert; most are not
   * its). Returns the last id read, so the caller moves past the others too.
   */
  async alertsAfter(after: number, limit: number, wanted: (session: string) => boolean): Promise<DeliveryPage> {
    const rows = this.s.alertsAfter.all(after, limit) as AlertRow[];
    const alerts = await withListings(rows.filter((r) => wanted(r[4])).map(storedOf), this.listings);
    return { last: rows.length > 0 ? rows[rows.length - 1]![0] : after, alerts, read: rows.length };
  }

  private readonly listings = async (keys: { seq: number; side: ListingSide }[]) => {
    const out = new Map<string, string>();
    for (const { seq, side } of keys) {
      const text = this.s.listing.get(seq, side) as string | undefined;
      if (text !== undefined) out.set(listingKey(seq, side), text);
    }
    return out;
  };

  async lastAlertId(): Promise<number> {
    return this.s.lastAlert.get() as number;
  }

  /**
   * Where matching starts on a new store: the log's end when the first node starts, so a
   * new cluster does not alert on its history; an existing cursor is kept.
   */
  async initCursor(seq: number): Promise<void> {
    this.s.initMatcher.run(seq);
  }

  /**
   * Takes or renews the matcher's lease; true when this node holds it. A holder that
   * died stops renewing and another node takes over when the lease runs out.
   */
  async claim(node: string, leaseMs: number, startCursor: () => Promise<number>): Promise<boolean> {
    // A read first: a node that cannot take the lease must not queue for the write lock
    // (SQLite's busy wait sleeps), nor a holder whose lease has most of its time left.
    const now = Date.now();
    const row = this.s.lease.get() as [string | null, number] | undefined;
    if (row) {
      const [holder, expires] = row;
      if (holder !== null && holder !== node && expires >= now) return false;
      if (holder === node && expires - now > leaseMs / 2) return true;
    }
    if (!row) this.s.initMatcher.run(await startCursor());
    return this.s.claim.run(node, now + leaseMs, node, now).changes === 1;
  }

  async matcherCursor(): Promise<number> {
    const row = this.s.cursor.get() as [number, string | null] | undefined;
    return row ? row[0] : 0;
  }

  /**
   * Writes a batch's alerts and moves the cursor past it in one transaction, only if this
   * node still holds the lease at the cursor it started from: the batch's work is done
   * exactly once, and an alert already written (a retry) is not written again.
   */
  async commitBatch(node: string, from: number, to: number, leaseMs: number, alerts: NewAlert[]): Promise<number[] | null> {
    return this.db
      .transaction(() => {
        if (this.s.advance.run(to, Date.now() + leaseMs, node, from).changes !== 1) return null;
        return this.insertAll(alerts);
      })
      .immediate();
  }

  /** Inserts alerts, and each listing they show once (serialised once) however many searches it matched. */
  private insertAll(alerts: NewAlert[]): number[] {
    for (const l of distinctListings(alerts)) this.s.insertListing.run(l.seq, l.side, l.json);
    const ids: number[] = [];
    const at = Date.now();
    for (const a of alerts) {
      const r = this.s.insertAlert.run(a.session, a.searchId, a.seq, a.reason, at, a.previousPrice ?? null);
      if (r.changes !== 1) continue; // written before (a redone batch): so were its outbox rows
      const id = Number(r.lastInsertRowid);
      ids.push(id);
      for (const o of a.outbox ?? []) this.s.insertOutbox.run(id, o.channel, a.session, o.source, o.digest ? 1 : 0, o.dueAt);
    }
    return ids;
  }

  async claimSender(node: string, leaseMs: number, partition?: SenderPartition): Promise<boolean> {
    if (partition && partition.count > 1) return this.parts().claim(node, leaseMs, partition);
    const now = Date.now();
    const row = this.s.senderLease.get() as [string | null, number] | undefined;
    if (row) {
      const [holder, expires] = row;
      if (holder !== null && holder !== node && expires >= now) return false;
      if (holder === node && expires - now > leaseMs / 2) return true;
    } else this.s.initSender.run();
    return this.s.claimSender.run(node, now + leaseMs, node, now).changes === 1;
  }

  async releaseSender(node: string, partition?: SenderPartition): Promise<void> {
    if (partition && partition.count > 1) this.parts().release.run(node, partition.count, partition.index);
    else this.s.releaseSender.run(node);
  }

  private partStatements: ReturnType<SqliteAlertStore['makeParts']> | null = null;

  /** The partitioned senders' leases and due rows, made on first use (a store with one sender never needs them). */
  private parts() {
    this.partStatements ??= this.makeParts();
    return this.partStatements;
  }

  private makeParts() {
    this.db.exec('CREATE TABLE IF NOT EXISTS alert_sender_parts (count INTEGER NOT NULL, idx INTEGER NOT NULL, holder TEXT, expires INTEGER NOT NULL, PRIMARY KEY (count, idx)) WITHOUT ROWID');
    // An owner's slice: FNV-1a of the id, the same on every connection to the file.
    this.db.function('owner_part', { deterministic: true }, (owner: unknown, count: unknown) => {
      let h = 0x811c9dc5;
      for (const c of String(owner)) h = Math.imul(h ^ c.codePointAt(0)!, 0x01000193);
      return (h >>> 0) % Number(count);
    });
    const init = this.db.prepare('INSERT OR IGNORE INTO alert_sender_parts (count, idx, holder, expires) VALUES (?, ?, NULL, 0)');
    const take = this.db.prepare('UPDATE alert_sender_parts SET holder = ?, expires = ? WHERE count = ? AND idx = ? AND (holder = ? OR holder IS NULL OR expires < ?)');
    return {
      release: this.db.prepare('UPDATE alert_sender_parts SET holder = NULL, expires = 0 WHERE holder = ? AND count = ? AND idx = ?'),
      due: this.db
        .prepare('SELECT id, mail_key, channel, digest, owner, source FROM alert_outbox WHERE done_at IS NULL AND channel = ? AND due_at <= ? AND lease_until < ? AND owner_part(owner, ?) = ? ORDER BY due_at, id LIMIT ?')
        .raw(),
      dueAny: this.db
        .prepare('SELECT id, mail_key, channel, digest, owner, source FROM alert_outbox WHERE done_at IS NULL AND due_at <= ? AND lease_until < ? AND owner_part(owner, ?) = ? ORDER BY due_at, id LIMIT ?')
        .raw(),
      claim: (node: string, leaseMs: number, p: SenderPartition): boolean => {
        const now = Date.now();
        init.run(p.count, p.index);
        return take.run(node, now + leaseMs, p.count, p.index, node, now).changes === 1;
      },
    };
  }

  async takeDue(now: number, attemptMs: number, limit: number, partition?: SenderPartition, channel?: 'email' | 'push'): Promise<OutboxRow[]> {
    const sliced = partition && partition.count > 1 ? [partition.count, partition.index] : [];
    const statements = sliced.length > 0 ? this.parts() : this.s;
    const due = () => (channel ? statements.due.all(channel, now, now, ...sliced, limit) : statements.dueAny.all(now, now, ...sliced, limit));
    const ids = this.db
      .transaction(() => {
        const taken = new Set<number>();
        const searches = new Set<string>();
        const pushOwners = new Set<string>();
        for (const [id, mailKey, channel, digest, owner, source] of due() as [number, string | null, string, number, string, string][]) {
          taken.add(id);
          // A mail or push formed before (refused, or its sender died): all of it, as it was.
          if (mailKey !== null) for (const other of this.s.sameMail.all(mailKey, now) as number[]) taken.add(other);
          // An instant mail takes its search's homes still gathering too: one mail, not one a home.
          else if (channel === 'email' && digest === 0 && !searches.has(`${owner}\u0000${source}`)) {
            searches.add(`${owner}\u0000${source}`);
            for (const other of this.s.sameSearch.all(owner, source, now) as number[]) taken.add(other);
          } else if (channel === 'push' && !pushOwners.has(owner)) {
            // A push takes all its owner's due push rows: one push carries them (OutboxSender), so a backlog goes in fewer.
            pushOwners.add(owner);
            for (const other of this.s.sameOwnerPush.all(owner, now, now, PUSH_ROWS_A_TAKE) as number[]) taken.add(other);
          }
        }
        for (const id of taken) this.s.leaseRow.run(now + attemptMs, id);
        return [...taken];
      })
      .immediate();
    if (ids.length === 0) return [];
    // An alert forgotten with its owner after the row was read: nothing to send.
    const gone = this.s.orphans.all(JSON.stringify(ids)) as number[];
    if (gone.length > 0) this.s.finish.run(now, 'skipped', JSON.stringify(gone));
    const rows = this.s.outboxRows.all(JSON.stringify(ids)) as [...OutboxDbRow, ...AlertRow][];
    const alerts = await withListings(rows.map((r) => storedOf(r.slice(9) as unknown as AlertRow)), this.listings);
    return rows.map((r, i) => outboxOf(r.slice(0, 9) as unknown as OutboxDbRow, alerts[i]!));
  }

  async setMailKeys(mails: { key: string; ids: number[] }[]): Promise<void> {
    this.db.transaction(() => {
      for (const m of mails) this.s.setMailKey.run(m.key, JSON.stringify(m.ids));
    })();
  }

  /** On one file there is no round trip to save: the single reads, one after another. */
  async pageContext(q: PageContextQuery): Promise<PageContext> {
    const out: PageContext = { locales: new Map(), searches: new Map(), favourites: new Map(), mailsSent: new Map() };
    for (const o of q.owners) {
      const l = this.s.locale.get(o) as Locale | undefined;
      if (l) out.locales.set(o, l);
    }
    if (q.searchIds.length > 0) {
      this.pageSearches ??= this.db.prepare(`SELECT ${SEARCH_COLUMNS}, session FROM saved_searches WHERE id IN (SELECT value FROM json_each(?))`).raw();
      for (const row of this.pageSearches.all(JSON.stringify(q.searchIds)) as [...SearchRow, string][]) {
        out.searches.set(row[0], { owner: row[11], search: searchOf(row.slice(0, 11) as unknown as SearchRow) });
      }
    }
    for (const o of q.favouriteOwners) out.favourites.set(o, await this.favouritesOf(o));
    for (const o of q.capOwners) {
      const n = this.s.mailsSent.get(o, q.since) as number;
      if (n > 0) out.mailsSent.set(o, n);
    }
    return out;
  }

  private pageSearches: Database.Statement | null = null;

  async setMailKey(ids: number[], mailKey: string): Promise<void> {
    this.s.setMailKey.run(mailKey, JSON.stringify(ids));
  }

  async finish(ids: number[], outcome: OutboxOutcome, at: number): Promise<void> {
    if (ids.length > 0) this.s.finish.run(at, outcome, JSON.stringify(ids));
  }

  async postpone(ids: number[], dueAt: number, digest: boolean, keepMail: boolean): Promise<void> {
    if (ids.length > 0) this.s.postpone.run(dueAt, digest ? 1 : 0, keepMail ? 1 : 0, JSON.stringify(ids));
  }

  async mailsSentSince(owner: string, since: number): Promise<number> {
    return this.s.mailsSent.get(owner, since) as number;
  }

  async forgetDone(before: number, limit: number): Promise<number> {
    return this.s.forgetDone.run(before, limit).changes;
  }

  async outboxWaiting(): Promise<number> {
    return this.s.waiting.get() as number;
  }

  async setMailLocale(owner: string, locale: Locale): Promise<void> {
    this.s.setLocale.run(owner, locale);
  }

  async mailLocale(owner: string): Promise<Locale | null> {
    return (this.s.locale.get(owner) as Locale | undefined) ?? null;
  }

  async unsubscribe(owner: string, source: string, listingId: string | null): Promise<boolean> {
    return this.db
      .transaction(() => {
        const text = (listingId === null ? this.s.searchChannels.get(source, owner) : this.s.favouriteChannels.get(owner, listingId)) as string | undefined;
        if (text === undefined) return false;
        const channels = (JSON.parse(text) as AlertChannel[]).filter((c) => c !== 'email');
        const next = JSON.stringify(channels.length > 0 ? channels : ['page']);
        if (listingId === null) this.s.setSearchChannels.run(next, source, owner);
        else this.db.prepare('UPDATE favourites SET channels = ? WHERE owner = ? AND listing_id = ?').run(next, owner, listingId);
        this.dropWaitingMail(owner, source, listingId);
        return true;
      })
      .immediate();
  }

  /** The source's email rows no attempt holds: not sent now that its email is off. */
  private dropWaitingMail(owner: string, source: string, listingId: string | null): void {
    const now = Date.now();
    const rows = this.db
      .prepare(
        `SELECT o.id, a.listing, a.seq, a.reason FROM alert_outbox o JOIN alerts a ON a.id = o.alert_id
         WHERE o.owner = ? AND o.source = ? AND o.channel = 'email' AND o.done_at IS NULL AND o.lease_until < ?`,
      )
      .raw()
      .all(owner, source, now) as [number, string | null, number, string][];
    const ids =
      listingId === null
        ? rows.map((r) => r[0])
        : rows
            .filter(([, inline, seq, reason]) => {
              const text = inline ?? (this.s.listing.get(seq, reason === 'removed' ? 0 : 1) as string | undefined);
              return text !== undefined && (JSON.parse(text) as ListingRecord).id === listingId;
            })
            .map((r) => r[0]);
    if (ids.length > 0) this.s.finish.run(now, 'skipped', JSON.stringify(ids));
  }

  async release(node: string): Promise<void> {
    this.s.release.run(node);
  }

  /** When this store last cleared lapsed holders: once a time to live, not at every socket opened. */
  private sweptAt = 0;

  async hold(node: string, sessions: string[], ttlMs: number): Promise<void> {
    const now = Date.now();
    const sweep = now - this.sweptAt > ttlMs;
    if (sweep) this.sweptAt = now;
    this.db.transaction(() => {
      for (const session of sessions) this.s.hold.run(session, node, now + ttlMs);
      // Rows of nodes gone for good.
      if (sweep) this.s.lapsed.run(now - ttlMs);
    })();
  }

  async unhold(node: string, sessions: string[]): Promise<void> {
    this.db.transaction(() => {
      for (const session of sessions) this.s.unhold.run(session, node);
    })();
  }

  async holders(sessions: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (sessions.length === 0) return out;
    for (const [session, node] of this.s.holders.all(JSON.stringify(sessions), Date.now()) as [string, string][]) {
      const nodes = out.get(session);
      if (nodes) nodes.push(node);
      else out.set(session, [node]);
    }
    return out;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
