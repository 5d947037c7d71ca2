import type pg from 'pg';
import type { ListingRecord } from '../core/listing';
import { query } from '../store/postgres/database';
import { conversationOf, MESSAGE_COLUMNS, messageOf, type ConversationRow, type MessageRow } from './conversation-rows';
import type { Conversation, ConversationStore, Cursors, Message, NewMessage } from './conversation-store';

/** Held while a message id is taken, to commit: ids then increase in commit order. */
const MESSAGE_LOCK = 0x4d534753;

const conversationFrom = (r: ConversationRow & { listing: ListingRecord }): Conversation => conversationOf(r, r.listing);

/** Conversations in PostgreSQL, so renter and host on different hosts share them. Shares the record's pool. */
export class PostgresConversationStore implements ConversationStore {
  constructor(private readonly pool: pg.Pool) {}

  private q<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return query<R>(this.pool, text, values);
  }

  async start(c: Conversation): Promise<{ conversation: Conversation; created: boolean }> {
    const ins = await this.q('INSERT INTO conversations (id, listing_id, renter_id, host_id, created_at, listing) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING', [
      c.id,
      c.listingId,
      c.renterId,
      c.hostId,
      c.createdAt,
      JSON.stringify(c.listing),
    ]);
    return { conversation: (await this.conversationAbout(c.listingId, c.renterId))!, created: ins.rowCount === 1 };
  }

  async conversationAbout(listingId: string, renterId: string): Promise<Conversation | null> {
    const row = (await this.q<ConversationRow & { listing: ListingRecord }>('SELECT * FROM conversations WHERE listing_id = $1 AND renter_id = $2', [listingId, renterId])).rows[0];
    return row ? conversationFrom(row) : null;
  }

  async conversation(id: string): Promise<Conversation | null> {
    const r = (await this.q<ConversationRow & { listing: ListingRecord }>('SELECT * FROM conversations WHERE id = $1', [id])).rows[0];
    return r ? conversationFrom(r) : null;
  }

  async conversationsOf(account: string, limit: number): Promise<Conversation[]> {
    const r = await this.q<ConversationRow & { listing: ListingRecord }>(
      'SELECT * FROM conversations WHERE renter_id = $1 OR host_id = $1 ORDER BY last_message_id DESC, created_at DESC LIMIT $2',
      [account, limit],
    );
    return r.rows.map(conversationFrom);
  }

  /**
   * One statement for a batch: the ids are taken under the lock in the batch's order (commit
   * order), each message written unless its sender sent its clientId before, and each
   * conversation's newest id moved. Repeats read the messages written the first time.
   */
  async sendMany(ms: NewMessage[]): Promise<{ message: Message; created: boolean }[]> {
    if (ms.length === 0) return [];
    const r = await this.q<MessageRow>(
      `WITH lock AS (SELECT pg_advisory_xact_lock(${MESSAGE_LOCK})),
       made AS (
         INSERT INTO messages (id, conversation_id, sender, recipient, text, client_id, sent_at)
         SELECT nextval('message_ids'), t.c, t.s, t.r, t.x, t.k, t.at
         FROM lock, unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) WITH ORDINALITY AS t(c, s, r, x, k, at, n)
         ORDER BY t.n
         ON CONFLICT (sender, client_id) DO NOTHING RETURNING ${MESSAGE_COLUMNS}
       ), bumped AS (
         UPDATE conversations SET last_message_id = newest.id
         FROM (SELECT conversation_id, MAX(id) AS id FROM made GROUP BY conversation_id) newest
         WHERE conversations.id = newest.conversation_id AND conversations.last_message_id < newest.id
       )
       SELECT ${MESSAGE_COLUMNS} FROM made`,
      [ms.map((m) => m.conversationId), ms.map((m) => m.sender), ms.map((m) => m.recipient), ms.map((m) => m.text), ms.map((m) => m.clientId), ms.map((m) => m.sentAt)],
    );
    const made = new Map(r.rows.map((row) => [`${row.sender}\u0000${row.client_id}`, messageOf(row)]));
    const missing = ms.filter((m) => !made.has(`${m.sender}\u0000${m.clientId}`));
    const existing = new Map<string, Message>();
    if (missing.length > 0) {
      const e = await this.q<MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM messages m JOIN unnest($1::text[], $2::text[]) AS k(s, c) ON m.sender = k.s AND m.client_id = k.c`,
        [missing.map((m) => m.sender), missing.map((m) => m.clientId)],
      );
      for (const row of e.rows) existing.set(`${row.sender}\u0000${row.client_id}`, messageOf(row));
    }
    // A clientId twice in one batch: the first is made, the second is its repeat.
    const given = new Set<string>();
    return ms.map((m) => {
      const key = `${m.sender}\u0000${m.clientId}`;
      const fresh = made.get(key);
      if (fresh && !given.has(key)) {
        given.add(key);
        return { message: fresh, created: true };
      }
      return { message: fresh ?? existing.get(key)!, created: false };
    });
  }

  async messagesBefore(conversationId: string, before: number, limit: number): Promise<Message[]> {
    const r = await this.q<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, [
      conversationId,
      before > 0 ? before : Number.MAX_SAFE_INTEGER,
      limit,
    ]);
    return r.rows.map(messageOf).reverse();
  }

  async lastMessages(conversationIds: string[]): Promise<Map<string, Message>> {
    if (conversationIds.length === 0) return new Map();
    const r = await this.q<MessageRow>(
      `SELECT DISTINCT ON (conversation_id) ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ANY($1::text[]) ORDER BY conversation_id, id DESC`,
      [conversationIds],
    );
    return new Map(r.rows.map((x) => [x.conversation_id, messageOf(x)]));
  }

  async unreadCounts(account: string, conversationIds: string[]): Promise<Map<string, number>> {
    if (conversationIds.length === 0) return new Map();
    const r = await this.q<{ id: string; n: number }>(
      `SELECT m.conversation_id AS id, COUNT(*)::int AS n FROM messages m
       LEFT JOIN conversation_cursors c ON c.conversation_id = m.conversation_id AND c.account_id = $1
       WHERE m.recipient = $1 AND m.id > COALESCE(c.read_up_to, 0) AND m.conversation_id = ANY($2::text[])
       GROUP BY m.conversation_id`,
      [account, conversationIds],
    );
    return new Map(r.rows.map((x) => [x.id, x.n]));
  }

  async messagesOf(account: string, after: number, limit: number): Promise<Message[]> {
    const r = await this.q<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM (SELECT * FROM messages WHERE sender = $1 AND id > $2 UNION ALL SELECT * FROM messages WHERE recipient = $1 AND sender <> $1 AND id > $2) m ORDER BY id LIMIT $3`,
      [account, after, limit],
    );
    return r.rows.map(messageOf);
  }

  async messagesAfter(after: number, limit: number, wanted: (m: { sender: string; recipient: string }) => boolean): Promise<{ last: number; messages: Message[]; read: number }> {
    const rows = (await this.q<MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id > $1 ORDER BY id LIMIT $2`, [after, limit])).rows;
    return { last: rows.length > 0 ? rows[rows.length - 1]!.id : after, messages: rows.filter(wanted).map(messageOf), read: rows.length };
  }

  async lastMessageId(): Promise<number> {
    return (await this.q<{ id: number }>('SELECT COALESCE(MAX(id), 0)::bigint AS id FROM messages')).rows[0]!.id;
  }

  private async cursor(conversationId: string, account: string, read: number, delivered: number): Promise<{ read_up_to: number; delivered_up_to: number }> {
    const r = await this.q<{ read_up_to: number; delivered_up_to: number }>(
      `INSERT INTO conversation_cursors (conversation_id, account_id, read_up_to, delivered_up_to) VALUES ($1, $2, $3, $4)
       ON CONFLICT (conversation_id, account_id) DO UPDATE SET
         read_up_to = GREATEST(conversation_cursors.read_up_to, excluded.read_up_to),
         delivered_up_to = GREATEST(conversation_cursors.delivered_up_to, excluded.delivered_up_to, excluded.read_up_to)
       RETURNING read_up_to, delivered_up_to`,
      [conversationId, account, read, delivered],
    );
    return r.rows[0]!;
  }

  async markRead(conversationId: string, account: string, upTo: number): Promise<number> {
    return (await this.cursor(conversationId, account, upTo, upTo)).read_up_to;
  }

  async markDeliveredMany(marks: { conversationId: string; account: string; upTo: number }[]): Promise<number[]> {
    if (marks.length === 0) return [];
    const r = await this.q<{ n: number; delivered_up_to: number }>(
      `INSERT INTO conversation_cursors (conversation_id, account_id, read_up_to, delivered_up_to)
       SELECT c, a, 0, u FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(c, a, u)
       ON CONFLICT (conversation_id, account_id) DO UPDATE SET delivered_up_to = GREATEST(conversation_cursors.delivered_up_to, excluded.delivered_up_to)
       RETURNING delivered_up_to`,
      [marks.map((m) => m.conversationId), marks.map((m) => m.account), marks.map((m) => m.upTo)],
    );
    return r.rows.map((x) => x.delivered_up_to);
  }

  async cursors(conversationId: string): Promise<Map<string, Cursors>> {
    const r = await this.q<{ account_id: string; read_up_to: number; delivered_up_to: number }>(
      'SELECT account_id, read_up_to, delivered_up_to FROM conversation_cursors WHERE conversation_id = $1',
      [conversationId],
    );
    return new Map(r.rows.map((x) => [x.account_id, { read: x.read_up_to, delivered: x.delivered_up_to }]));
  }

  async block(account: string, other: string): Promise<void> {
    await this.q('INSERT INTO blocks (account_id, blocked_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [account, other, Date.now()]);
  }

  async unblock(account: string, other: string): Promise<void> {
    await this.q('DELETE FROM blocks WHERE account_id = $1 AND blocked_id = $2', [account, other]);
  }

  async blockedBetween(a: string, b: string): Promise<{ aBlockedB: boolean; bBlockedA: boolean }> {
    const r = await this.q<{ account_id: string }>('SELECT account_id FROM blocks WHERE (account_id = $1 AND blocked_id = $2) OR (account_id = $2 AND blocked_id = $1)', [a, b]);
    const who = r.rows.map((x) => x.account_id);
    return { aBlockedB: who.includes(a), bBlockedA: who.includes(b) };
  }

  async blockersIn(conversationId: string): Promise<string[]> {
    const r = await this.q<{ account_id: string }>(
      `SELECT b.account_id FROM conversations c JOIN blocks b
       ON (b.account_id = c.renter_id AND b.blocked_id = c.host_id) OR (b.account_id = c.host_id AND b.blocked_id = c.renter_id)
       WHERE c.id = $1`,
      [conversationId],
    );
    return r.rows.map((x) => x.account_id);
  }

  async report(conversationId: string, reporter: string, reason: string, at: number): Promise<void> {
    await this.q('INSERT INTO reports (conversation_id, reporter, reason, at) VALUES ($1, $2, $3, $4)', [conversationId, reporter, reason, at]);
  }

  async replyTimes(hostId: string, limit: number): Promise<{ askedAt: number; replyMs: number | null }[]> {
    const r = await this.q<{ asked_at: number; replied_at: number | null }>(
      `SELECT asked.at AS asked_at, (SELECT MIN(h.sent_at) FROM messages h WHERE h.conversation_id = c.id AND h.sender = c.host_id AND h.id > asked.id) AS replied_at
       FROM conversations c
       JOIN (SELECT conversation_id, MIN(id) AS id, MIN(sent_at) AS at FROM messages WHERE sender <> $1 GROUP BY conversation_id) asked ON asked.conversation_id = c.id
       WHERE c.host_id = $1 ORDER BY c.created_at DESC LIMIT $2`,
      [hostId, limit],
    );
    return r.rows.map((x) => ({ askedAt: x.asked_at, replyMs: x.replied_at === null ? null : x.replied_at - x.asked_at }));
  }

  /** The pool is the listing store's to end. */
  async close(): Promise<void> {}
}
