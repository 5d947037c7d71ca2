import type pg from 'pg';
import type { ListingRecord } from '../../core/listing';
import type { Filters, SearchArea } from '../../engine/search-engine';
import type { Alert, AlertReason, AlertStore, DeliveryPage, Favourite, KeptBy, NewAlert, SavedSearch, SearchOwner } from '../../alerts/alert-store';
import { PUSH_ROWS_A_TAKE, type OutboxOutcome, type OutboxRow, type PageContext, type PageContextQuery, type SenderPartition } from '../../alerts/alert-outbox';
import type { AlertChannel, EmailFrequency, EmailNote } from '../../contract/alert-channels';
import type { Locale } from '../../../components/i18n/messages';
import { distinctListings, listingKey, withListings, type ListingSide, type StoredAlert } from '../../alerts/alert-listings';
import { NOW_MS, query } from './database';

/** Held while alert ids are taken, to commit: ids then increase in commit order. */
const ALERT_LOCK = 0x524f4f54;

type SearchRow = {
  id: string; name: string; area: SearchArea; filters: Filters; notify: AlertReason[]; paused: boolean; created_at: number; since: number;
  channels: AlertChannel[]; frequency: EmailFrequency; email_note: EmailNote | null;
};
type OutboxDbRow = AlertRow & { o_id: number; channel: 'email' | 'push'; owner: string; source: string; digest: boolean; due_at: number; attempts: number; mail_key: string | null };
type AlertRow = { id: number; search_id: string; reason: AlertReason; listing: ListingRecord | null; session: string; at: number; previous_price: number | null; seq: number };

function storedOf(r: AlertRow): StoredAlert {
  return { id: r.id, searchId: r.search_id, reason: r.reason, listing: r.listing, session: r.session, at: r.at, previousPrice: r.previous_price, seq: r.seq };
}

function searchOf(r: SearchRow): SavedSearch {
  return {
    id: r.id, name: r.name, area: r.area, filters: r.filters, notify: r.notify, paused: r.paused, createdAt: r.created_at, since: r.since,
    channels: r.channels, frequency: r.frequency, ...(r.email_note ? { emailNote: r.email_note } : {}),
  };
}

const SEARCH_COLUMNS = 'id, name, area, filters, notify, paused, created_at, since, channels, frequency, email_note';
const ALERT_COLUMNS = 'id, search_id, reason, listing, session, at, previous_price, seq';

/**
 * Saved searches, the inbox and the matcher's cursor and lease in PostgreSQL, so they
 * follow a renter to any node on any host. Shares the listing store's pool; that store
 * ends it.
 */
export class PostgresAlertStore implements AlertStore {
  constructor(private readonly pool: pg.Pool) {}

  private query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return query<R>(this.pool, text, values);
  }

  async forgetOwner(owner: string): Promise<string[]> {
    const r = await this.query<{ id: string }>(
      `WITH s AS (DELETE FROM saved_searches WHERE session = $1 RETURNING id),
       f AS (DELETE FROM favourites WHERE owner = $1),
       a AS (DELETE FROM alerts WHERE session = $1),
       p AS (DELETE FROM push_subscriptions WHERE owner = $1),
       o AS (DELETE FROM alert_outbox WHERE owner = $1),
       l AS (DELETE FROM mail_locales WHERE owner = $1)
       SELECT id FROM s`,
      [owner],
    );
    return r.rows.map((x) => x.id);
  }

  async putFavourite(owner: string, f: Favourite): Promise<boolean> {
    const r = await this.query(
      'INSERT INTO favourites (owner, listing_id, saved_at, price_when_saved, listing, since, channels, frequency) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING',
      [owner, f.listingId, f.savedAt, f.priceWhenSaved, JSON.stringify(f.listing), f.since, JSON.stringify(f.channels), f.frequency],
    );
    return r.rowCount === 1;
  }

  async setFavouriteChannels(owner: string, listingId: string, channels: AlertChannel[], frequency: EmailFrequency): Promise<boolean> {
    const r = await this.query('UPDATE favourites SET channels = $1, frequency = $2 WHERE owner = $3 AND listing_id = $4', [JSON.stringify(channels), frequency, owner, listingId]);
    return r.rowCount === 1;
  }

  async removeFavourite(owner: string, listingId: string): Promise<boolean> {
    return (await this.query('DELETE FROM favourites WHERE owner = $1 AND listing_id = $2', [owner, listingId])).rowCount === 1;
  }

  async favouritesOf(owner: string): Promise<Favourite[]> {
    const r = await this.query<{ listing_id: string; saved_at: number; price_when_saved: number; listing: ListingRecord; since: number; channels: AlertChannel[]; frequency: EmailFrequency }>(
      'SELECT listing_id, saved_at, price_when_saved, listing, since, channels, frequency FROM favourites WHERE owner = $1 ORDER BY saved_at DESC, listing_id',
      [owner],
    );
    return r.rows.map((x) => ({ listingId: x.listing_id, savedAt: x.saved_at, priceWhenSaved: x.price_when_saved, listing: x.listing, since: x.since, channels: x.channels, frequency: x.frequency }));
  }

  async favouriteCount(owner: string): Promise<number> {
    return (await this.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM favourites WHERE owner = $1', [owner])).rows[0]!.n;
  }

  async favouritesOn(listingIds: string[]): Promise<KeptBy[]> {
    if (listingIds.length === 0) return [];
    const r = await this.query<{ owner: string; listing_id: string; since: number; channels: AlertChannel[]; frequency: EmailFrequency }>(
      'SELECT owner, listing_id, since, channels, frequency FROM favourites WHERE listing_id = ANY($1::text[])',
      [listingIds],
    );
    return r.rows.map((x) => ({ owner: x.owner, listingId: x.listing_id, since: x.since, channels: x.channels, frequency: x.frequency }));
  }

  async createSearch(session: string, s: SavedSearch): Promise<void> {
    await this.query(`INSERT INTO saved_searches (${SEARCH_COLUMNS}, session) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
      s.id, s.name, JSON.stringify(s.area), JSON.stringify(s.filters), JSON.stringify(s.notify), s.paused, s.createdAt, s.since,
      JSON.stringify(s.channels), s.frequency, s.emailNote ?? null, session,
    ]);
  }

  async updateSearch(session: string, s: SavedSearch): Promise<boolean> {
    const r = await this.query('UPDATE saved_searches SET name = $1, notify = $2, paused = $3, channels = $6, frequency = $7, email_note = $8 WHERE id = $4 AND session = $5', [
      s.name, JSON.stringify(s.notify), s.paused, s.id, session, JSON.stringify(s.channels), s.frequency, s.emailNote ?? null,
    ]);
    return r.rowCount === 1;
  }

  async deleteSearch(session: string, id: string): Promise<boolean> {
    return (await this.query('DELETE FROM saved_searches WHERE id = $1 AND session = $2', [id, session])).rowCount === 1;
  }

  async searchesOf(session: string): Promise<SavedSearch[]> {
    return (await this.query<SearchRow>(`SELECT ${SEARCH_COLUMNS} FROM saved_searches WHERE session = $1 ORDER BY created_at, id`, [session])).rows.map(searchOf);
  }

  async searchOf(session: string, id: string): Promise<SavedSearch | null> {
    const row = (await this.query<SearchRow>(`SELECT ${SEARCH_COLUMNS} FROM saved_searches WHERE id = $1 AND session = $2`, [id, session])).rows[0];
    return row ? searchOf(row) : null;
  }

  async countOf(session: string): Promise<number> {
    return (await this.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM saved_searches WHERE session = $1', [session])).rows[0]!.n;
  }

  async owners(ids: string[]): Promise<Map<string, SearchOwner>> {
    const out = new Map<string, SearchOwner>();
    if (ids.length === 0) return out;
    const r = await this.query<{ id: string; session: string; notify: AlertReason[]; paused: boolean; since: number; channels: AlertChannel[]; frequency: EmailFrequency }>(
      'SELECT id, session, notify, paused, since, channels, frequency FROM saved_searches WHERE id = ANY($1::text[])',
      [ids],
    );
    for (const row of r.rows) out.set(row.id, { session: row.session, notify: row.notify, paused: row.paused, since: row.since, channels: row.channels, frequency: row.frequency });
    return out;
  }

  async alertsOf(session: string, after: number, limit: number): Promise<Alert[]> {
    const rows = (await this.query<AlertRow>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE session = $1 AND id > $2 ORDER BY id LIMIT $3`, [session, after, limit])).rows;
    return withListings(rows.map(storedOf), this.listings);
  }

  /** Every alert's row (small: the listings are apart), then the listings of those this node holds, once each. */
  async alertsAfter(after: number, limit: number, wanted: (session: string) => boolean): Promise<DeliveryPage> {
    const rows = (await this.query<AlertRow>(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id > $1 ORDER BY id LIMIT $2`, [after, limit])).rows;
    return {
      last: rows.length > 0 ? rows[rows.length - 1]!.id : after,
      alerts: await withListings(rows.filter((r) => wanted(r.session)).map(storedOf), this.listings),
      read: rows.length,
    };
  }

  private readonly listings = async (keys: { seq: number; side: ListingSide }[]) => {
    const r = await this.query<{ seq: number; side: ListingSide; listing: ListingRecord }>(
      'SELECT l.seq, l.side, l.listing FROM alert_listings l JOIN unnest($1::bigint[], $2::smallint[]) AS k(seq, side) ON l.seq = k.seq AND l.side = k.side',
      [keys.map((k) => k.seq), keys.map((k) => k.side)],
    );
    return new Map(r.rows.map((row) => [listingKey(row.seq, row.side), row.listing]));
  };

  async lastAlertId(): Promise<number> {
    return (await this.query<{ id: number }>('SELECT COALESCE(MAX(id), 0)::bigint AS id FROM alerts')).rows[0]!.id;
  }

  async initCursor(seq: number): Promise<void> {
    await this.query('INSERT INTO matcher (id, cursor, holder, expires) VALUES (1, $1, NULL, 0) ON CONFLICT (id) DO NOTHING', [seq]);
  }

  /**
   * A read first, which waits on no lock: a node that cannot take the lease returns at
   * once instead of queueing behind the holder's commit for the matcher row (three nodes
   * ticking ten times a second spent seconds a minute waiting there), and the log's end is
   * asked for only when there is no cursor yet.
   */
  async claim(node: string, leaseMs: number, startCursor: () => Promise<number>): Promise<boolean> {
    const lease = (await this.query<{ holder: string | null; expires: number; now: number }>(`SELECT holder, expires, ${NOW_MS} AS now FROM matcher WHERE id = 1`)).rows[0];
    if (!lease) await this.initCursor(await startCursor());
    else if (lease.holder !== null && lease.holder !== node && lease.expires >= lease.now) return false;
    const r = await this.query(
      `UPDATE matcher SET holder = $1, expires = ${NOW_MS} + $2
       WHERE id = 1 AND (holder = $1 OR holder IS NULL OR expires < ${NOW_MS})`,
      [node, leaseMs],
    );
    return r.rowCount === 1;
  }

  async matcherCursor(): Promise<number> {
    return (await this.query<{ cursor: number }>('SELECT cursor FROM matcher WHERE id = 1')).rows[0]?.cursor ?? 0;
  }

  /**
   * Fenced on (holder, cursor): a holder that slept through a takeover finds the cursor
   * moved and commits nothing. One statement, so one round trip where BEGIN, the fence,
   * the lock, the insert and COMMIT were five, each a wait for a core on a busy machine:
   * the fence's row comes first, the lock is taken from it, and the alerts' rows come
   * from the lock, so none is written (nor an id taken) unless the fence held, and ids are
   * taken under the lock (they increase in commit order). A batch's alerts are one insert
   * (arrays unnested), not one each: a write into a popular area makes hundreds, and a
   * round trip per alert held the matcher seconds behind the log at 50 writes a second
   * (BENCHMARKS.md). The listings they show go into alert_listings, each once.
   */
  async commitBatch(node: string, from: number, to: number, leaseMs: number, alerts: NewAlert[]): Promise<number[] | null> {
    const listings = distinctListings(alerts);
    const r = await this.query<{ fenced: boolean; ids: number[] | null }>(
      `WITH moved AS (
         UPDATE matcher SET cursor = $1, expires = ${NOW_MS} + $2 WHERE id = 1 AND holder = $3 AND cursor = $4 RETURNING 1
       ), lock AS (
         SELECT pg_advisory_xact_lock(${ALERT_LOCK}) FROM moved
       ), shown AS (
         INSERT INTO alert_listings (seq, side, listing)
         SELECT l.seq, l.side, l.listing::json FROM lock, unnest($11::bigint[], $12::smallint[], $13::text[]) AS l(seq, side, listing)
         ON CONFLICT (seq, side) DO NOTHING
       ), made AS (
         INSERT INTO alerts (id, session, search_id, seq, reason, at, previous_price)
         SELECT nextval('alert_ids'), t.session, t.search_id, t.seq, t.reason, $10, t.previous_price
         FROM lock, unnest($5::text[], $6::text[], $7::bigint[], $8::text[], $9::int[]) WITH ORDINALITY
           AS t(session, search_id, seq, reason, previous_price, n)
         ORDER BY t.n
         ON CONFLICT (seq, session) DO NOTHING RETURNING id, seq, session
       ), queued AS (
         INSERT INTO alert_outbox (alert_id, channel, owner, source, digest, due_at)
         SELECT m.id, o.channel, m.session, o.source, o.digest, o.due_at
         FROM made m JOIN unnest($14::text[], $15::bigint[], $16::text[], $17::text[], $18::boolean[], $19::bigint[])
           AS o(session, seq, channel, source, digest, due_at) ON o.session = m.session AND o.seq = m.seq
         ON CONFLICT (alert_id, channel) DO NOTHING
       )
       SELECT EXISTS (SELECT 1 FROM moved) AS fenced, (SELECT array_agg(id ORDER BY id) FROM made) AS ids`,
      [
        to,
        leaseMs,
        node,
        from,
        alerts.map((a) => a.session),
        alerts.map((a) => a.searchId),
        alerts.map((a) => a.seq),
        alerts.map((a) => a.reason),
        alerts.map((a) => a.previousPrice ?? null),
        Date.now(),
        listings.map((l) => l.seq),
        listings.map((l) => l.side),
        listings.map((l) => l.json),
        ...outboxColumns(alerts),
      ],
    );
    const row = r.rows[0]!;
    return row.fenced ? (row.ids ?? []).map(Number) : null;
  }

  async release(node: string): Promise<void> {
    await this.query('UPDATE matcher SET holder = NULL, expires = 0 WHERE id = 1 AND holder = $1', [node]);
  }

  /** The database's clock decides the sender's lease, as the matcher's: hosts' clocks need not agree. */
  async claimSender(node: string, leaseMs: number, partition?: SenderPartition): Promise<boolean> {
    if (partition && partition.count > 1) {
      const r = await this.query(
        `INSERT INTO alert_sender_parts (count, idx, holder, expires) VALUES ($3, $4, $1, ${NOW_MS} + $2)
         ON CONFLICT (count, idx) DO UPDATE SET holder = $1, expires = excluded.expires
         WHERE alert_sender_parts.holder = $1 OR alert_sender_parts.holder IS NULL OR alert_sender_parts.expires < ${NOW_MS}`,
        [node, leaseMs, partition.count, partition.index],
      );
      return r.rowCount === 1;
    }
    const r = await this.query(
      `INSERT INTO alert_sender (id, holder, expires) VALUES (1, $1, ${NOW_MS} + $2)
       ON CONFLICT (id) DO UPDATE SET holder = $1, expires = excluded.expires
       WHERE alert_sender.holder = $1 OR alert_sender.holder IS NULL OR alert_sender.expires < ${NOW_MS}`,
      [node, leaseMs],
    );
    return r.rowCount === 1;
  }

  async releaseSender(node: string, partition?: SenderPartition): Promise<void> {
    if (partition && partition.count > 1) await this.query('UPDATE alert_sender_parts SET holder = NULL, expires = 0 WHERE holder = $1 AND count = $2 AND idx = $3', [node, partition.count, partition.index]);
    else await this.query('UPDATE alert_sender SET holder = NULL, expires = 0 WHERE id = 1 AND holder = $1', [node]);
  }

  /**
   * One statement: the due rows no attempt holds (and the rest of any mail formed before),
   * locked against another sender (SKIP LOCKED), leased and counted, returned with their
   * alerts. A partition takes its owners' rows only (a hash of the owner: a search's rows
   * and a formed mail's are one owner's, so they stay whole).
   */
  async takeDue(now: number, attemptMs: number, limit: number, partition?: SenderPartition, channel?: 'email' | 'push'): Promise<OutboxRow[]> {
    const sliced = partition !== undefined && partition.count > 1;
    const params: unknown[] = sliced ? [now, attemptMs, limit, partition.count, otherSlices(partition)] : [now, attemptMs, limit];
    if (channel) params.push(channel);
    const r = await this.query<OutboxDbRow>(
      `WITH first AS (
         ${dueRowsSql({ now: '$1', limit: '$3', ...(sliced ? { count: '$4', others: '$5' } : {}), ...(channel ? { channel: `$${params.length}` } : {}) })}
       ), picked AS (
         SELECT id FROM first
         UNION SELECT o.id FROM alert_outbox o JOIN first f ON o.mail_key = f.mail_key WHERE o.done_at IS NULL AND o.lease_until < $1
         UNION SELECT o.id FROM alert_outbox o JOIN first f ON o.owner = f.owner AND o.source = f.source
           WHERE f.channel = 'email' AND NOT f.digest AND f.mail_key IS NULL
             AND o.channel = 'email' AND NOT o.digest AND o.mail_key IS NULL AND o.done_at IS NULL AND o.lease_until < $1
         UNION SELECT o.id FROM (SELECT DISTINCT owner FROM first WHERE channel = 'push') f CROSS JOIN LATERAL (
             SELECT id FROM alert_outbox WHERE owner = f.owner AND channel = 'push' AND done_at IS NULL AND due_at <= $1 AND lease_until < $1
             ORDER BY id LIMIT ${PUSH_ROWS_A_TAKE}) o
       ), leased AS (
         UPDATE alert_outbox o SET lease_until = $1 + $2, attempts = o.attempts + 1 FROM picked p WHERE o.id = p.id
         RETURNING o.id AS o_id, o.alert_id, o.channel, o.owner, o.source, o.digest, o.due_at, o.attempts, o.mail_key
       )
       SELECT l.*, a.id, a.search_id, a.reason, a.listing, a.session, a.at, a.previous_price, a.seq
       FROM leased l JOIN alerts a ON a.id = l.alert_id ORDER BY l.o_id`,
      params,
    );
    const alerts = await withListings(r.rows.map(storedOf), this.listings);
    return r.rows.map((x, i) => {
      const a = alerts[i]!;
      return {
        id: x.o_id, alertId: x.id, channel: x.channel, owner: x.owner, source: x.source, digest: x.digest, dueAt: x.due_at, attempts: x.attempts, mailKey: x.mail_key,
        reason: a.reason, listing: a.listing, at: a.at, ...(a.previousPrice !== undefined ? { previousPrice: a.previousPrice } : {}),
      };
    });
  }

  async setMailKeys(mails: { key: string; ids: number[] }[]): Promise<void> {
    if (mails.length === 0) return;
    const ids = mails.flatMap((m) => m.ids);
    const keys = mails.flatMap((m) => m.ids.map(() => m.key));
    await this.query('UPDATE alert_outbox o SET mail_key = v.key FROM unnest($1::bigint[], $2::text[]) AS v(id, key) WHERE o.id = v.id', [ids, keys]);
  }

  /** A page's reads side by side on the pool: one wait, not one a mail. */
  async pageContext(q: PageContextQuery): Promise<PageContext> {
    type Fav = { owner: string; listing_id: string; saved_at: number; price_when_saved: number; listing: ListingRecord; since: number; channels: AlertChannel[]; frequency: EmailFrequency };
    const [locales, searches, favourites, sent] = await Promise.all([
      q.owners.length > 0 ? this.query<{ owner: string; locale: Locale }>('SELECT owner, locale FROM mail_locales WHERE owner = ANY($1::text[])', [q.owners]) : null,
      q.searchIds.length > 0 ? this.query<SearchRow & { session: string }>(`SELECT ${SEARCH_COLUMNS}, session FROM saved_searches WHERE id = ANY($1::text[])`, [q.searchIds]) : null,
      q.favouriteOwners.length > 0
        ? this.query<Fav>('SELECT owner, listing_id, saved_at, price_when_saved, listing, since, channels, frequency FROM favourites WHERE owner = ANY($1::text[]) ORDER BY saved_at DESC, listing_id', [q.favouriteOwners])
        : null,
      q.capOwners.length > 0
        ? this.query<{ owner: string; n: number }>(
            "SELECT owner, COUNT(DISTINCT mail_key)::int AS n FROM alert_outbox WHERE owner = ANY($1::text[]) AND outcome = 'sent' AND channel = 'email' AND NOT digest AND done_at >= $2 GROUP BY owner",
            [q.capOwners, q.since],
          )
        : null,
    ]);
    const out: PageContext = { locales: new Map(), searches: new Map(), favourites: new Map(), mailsSent: new Map() };
    for (const r of locales?.rows ?? []) out.locales.set(r.owner, r.locale);
    for (const r of searches?.rows ?? []) out.searches.set(r.id, { owner: r.session, search: searchOf(r) });
    for (const o of q.favouriteOwners) out.favourites.set(o, []);
    for (const x of favourites?.rows ?? []) {
      out.favourites.get(x.owner)!.push({ listingId: x.listing_id, savedAt: x.saved_at, priceWhenSaved: x.price_when_saved, listing: x.listing, since: x.since, channels: x.channels, frequency: x.frequency });
    }
    for (const r of sent?.rows ?? []) out.mailsSent.set(r.owner, r.n);
    return out;
  }

  async setMailKey(ids: number[], mailKey: string): Promise<void> {
    await this.query('UPDATE alert_outbox SET mail_key = $1 WHERE id = ANY($2::bigint[])', [mailKey, ids]);
  }

  async finish(ids: number[], outcome: OutboxOutcome, at: number): Promise<void> {
    if (ids.length === 0) return;
    await this.query('UPDATE alert_outbox SET done_at = $1, outcome = $2, lease_until = 0 WHERE id = ANY($3::bigint[]) AND done_at IS NULL', [at, outcome, ids]);
  }

  async postpone(ids: number[], dueAt: number, digest: boolean, keepMail: boolean): Promise<void> {
    if (ids.length === 0) return;
    await this.query(
      'UPDATE alert_outbox SET due_at = $1, digest = $2, lease_until = 0, mail_key = CASE WHEN $3 THEN mail_key ELSE NULL END WHERE id = ANY($4::bigint[]) AND done_at IS NULL',
      [dueAt, digest, keepMail, ids],
    );
  }

  async mailsSentSince(owner: string, since: number): Promise<number> {
    const r = await this.query<{ n: number }>(
      "SELECT COUNT(DISTINCT mail_key)::int AS n FROM alert_outbox WHERE owner = $1 AND outcome = 'sent' AND channel = 'email' AND NOT digest AND done_at >= $2",
      [owner, since],
    );
    return r.rows[0]!.n;
  }

  async forgetDone(before: number, limit: number): Promise<number> {
    const r = await this.query('DELETE FROM alert_outbox WHERE id IN (SELECT id FROM alert_outbox WHERE done_at IS NOT NULL AND done_at < $1 ORDER BY done_at LIMIT $2)', [before, limit]);
    return r.rowCount ?? 0;
  }

  async outboxWaiting(): Promise<number> {
    return (await this.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM alert_outbox WHERE done_at IS NULL')).rows[0]!.n;
  }

  async setMailLocale(owner: string, locale: Locale): Promise<void> {
    await this.query('INSERT INTO mail_locales (owner, locale) VALUES ($1, $2) ON CONFLICT (owner) DO UPDATE SET locale = excluded.locale', [owner, locale]);
  }

  async mailLocale(owner: string): Promise<Locale | null> {
    return ((await this.query<{ locale: Locale }>('SELECT locale FROM mail_locales WHERE owner = $1', [owner])).rows[0]?.locale ?? null);
  }

  /** Email off for the search or favourite, and its waiting email rows let go, in one statement. */
  async unsubscribe(owner: string, source: string, listingId: string | null): Promise<boolean> {
    const off = `CASE WHEN jsonb_array_length(channels - 'email') = 0 THEN '["page"]'::jsonb ELSE channels - 'email' END`;
    const r =
      listingId === null
        ? await this.query<{ n: number }>(
            `WITH s AS (UPDATE saved_searches SET channels = ${off} WHERE id = $2 AND session = $1 RETURNING 1),
             o AS (UPDATE alert_outbox SET done_at = ${NOW_MS}, outcome = 'skipped'
                   WHERE EXISTS (SELECT 1 FROM s) AND owner = $1 AND source = $2 AND channel = 'email' AND done_at IS NULL AND lease_until < ${NOW_MS})
             SELECT COUNT(*)::int AS n FROM s`,
            [owner, source],
          )
        : await this.query<{ n: number }>(
            `WITH f AS (UPDATE favourites SET channels = ${off} WHERE owner = $1 AND listing_id = $3 RETURNING 1),
             o AS (UPDATE alert_outbox x SET done_at = ${NOW_MS}, outcome = 'skipped'
                   FROM alerts a LEFT JOIN alert_listings l ON l.seq = a.seq AND l.side = CASE WHEN a.reason = 'removed' THEN 0 ELSE 1 END
                   WHERE EXISTS (SELECT 1 FROM f) AND a.id = x.alert_id AND x.owner = $1 AND x.source = $2 AND x.channel = 'email' AND x.done_at IS NULL
                     AND x.lease_until < ${NOW_MS} AND COALESCE(a.listing ->> 'id', l.listing ->> 'id') = $3)
             SELECT COUNT(*)::int AS n FROM f`,
            [owner, source, listingId],
          );
    return r.rows[0]!.n === 1;
  }

  /** When this node last cleared lapsed holders: once a time to live, not at every socket opened. */
  private sweptAt = 0;

  /** One statement for any number of sessions; lapsed rows of nodes gone for good are cleared once a time to live. */
  async hold(node: string, sessions: string[], ttlMs: number): Promise<void> {
    if (sessions.length === 0) return;
    await this.query(
      `INSERT INTO holders (session, node, expires) SELECT s, $2, ${NOW_MS} + $3 FROM unnest($1::text[]) AS s
       ON CONFLICT (session, node) DO UPDATE SET expires = excluded.expires`,
      [sessions, node, ttlMs],
    );
    if (Date.now() - this.sweptAt > ttlMs) {
      this.sweptAt = Date.now();
      await this.query(`DELETE FROM holders WHERE expires < ${NOW_MS} - $1`, [ttlMs]);
    }
  }

  async unhold(node: string, sessions: string[]): Promise<void> {
    if (sessions.length === 0) return;
    await this.query('DELETE FROM holders WHERE node = $1 AND session = ANY($2::text[])', [node, sessions]);
  }

  async holders(sessions: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (sessions.length === 0) return out;
    const r = await this.query<{ session: string; node: string }>(`SELECT session, node FROM holders WHERE session = ANY($1::text[]) AND expires >= ${NOW_MS}`, [sessions]);
    for (const { session, node } of r.rows) {
      const nodes = out.get(session);
      if (nodes) nodes.push(node);
      else out.set(session, [node]);
    }
    return out;
  }

  /** The pool is the listing store's to end. */
  async close(): Promise<void> {}
}

/** A slice's test as the other slices' numbers (dueRowsSql). */
export const otherSlices = (p: SenderPartition): number[] => Array.from({ length: p.count }, (_, k) => k).filter((k) => k !== p.index);

/**
 * The first rows of a take: due, not held, of a channel and a slice of the owners, the
 * longest due first — a walk of alert_outbox_take (migration 17) that stops at a page,
 * whatever the backlog. The slice is written as "not one of the others": as "= this one"
 * the planner guesses it keeps 0.5 % of the rows, expects a page to need them all, and
 * reads every due row and sorts them instead. Parameters by name (`$n`), so a test can
 * ask the planner about the same text.
 */
export function dueRowsSql(p: { now: string; limit: string; count?: string; others?: string; channel?: string }): string {
  return `SELECT id, mail_key, owner, source, channel, digest FROM alert_outbox WHERE done_at IS NULL ${p.channel ? `AND channel = ${p.channel}` : ''} AND due_at <= ${p.now} AND lease_until < ${p.now}
           ${p.count && p.others ? `AND NOT ((hashtext(owner) & 2147483647) % ${p.count} = ANY(${p.others}::int[]))` : ''} ORDER BY due_at, id LIMIT ${p.limit} FOR UPDATE SKIP LOCKED`;
}

/** The outbox rows of a batch's alerts as columns for unnest: the alert's (session, seq) names it. */
function outboxColumns(alerts: NewAlert[]): [string[], number[], string[], string[], boolean[], number[]] {
  const cols: [string[], number[], string[], string[], boolean[], number[]] = [[], [], [], [], [], []];
  for (const a of alerts) {
    for (const o of a.outbox ?? []) {
      cols[0].push(a.session);
      cols[1].push(a.seq);
      cols[2].push(o.channel);
      cols[3].push(o.source);
      cols[4].push(o.digest);
      cols[5].push(o.dueAt);
    }
  }
  return cols;
}

/** The session secret every host shares: generated once into the database, read by all. */
export async function sharedSessionSecret(pool: pg.Pool, candidate: string): Promise<string> {
  await query(pool, "INSERT INTO meta (key, value) VALUES ('session-secret', $1) ON CONFLICT (key) DO NOTHING", [candidate]);
  return (await query<{ value: string }>(pool, "SELECT value FROM meta WHERE key = 'session-secret'")).rows[0]!.value;
}
