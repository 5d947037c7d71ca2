import type Database from 'better-sqlite3';
import { openSharedDatabase, whenFree } from '../core/shared-database';
import type { ListingRecord } from '../core/listing';
import { conversationOf, MESSAGE_COLUMNS, messageOf, type ConversationRow, type MessageRow } from './conversation-rows';
import type { Conversation, ConversationStore, Cursors, Message, NewMessage } from './conversation-store';

export const MESSAGES_FILE = 'messages.db';

// AUTOINCREMENT: an id is never reused; one writer at a time on the file, so ids increase in commit order.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY,
  listing_id TEXT NOT NULL,
  renter_id TEXT NOT NULL,
  host_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  listing TEXT NOT NULL,
  last_message_id INTEGER NOT NULL DEFAULT 0,
  UNIQUE (listing_id, renter_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS conversations_renter ON conversations (renter_id, last_message_id);
CREATE INDEX IF NOT EXISTS conversations_host ON conversations (host_id, last_message_id);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  recipient TEXT NOT NULL,
  text TEXT NOT NULL,
  client_id TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  UNIQUE (sender, client_id)
);
CREATE INDEX IF NOT EXISTS messages_conversation ON messages (conversation_id, id);
CREATE INDEX IF NOT EXISTS messages_recipient ON messages (recipient, id);
CREATE TABLE IF NOT EXISTS conversation_cursors (
  conversation_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  read_up_to INTEGER NOT NULL DEFAULT 0,
  delivered_up_to INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, account_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  account_id TEXT NOT NULL,
  blocked_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (account_id, blocked_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id TEXT NOT NULL,
  reporter TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
);
`;

const conversationFrom = (r: ConversationRow & { listing: string }): Conversation => conversationOf(r, JSON.parse(r.listing) as ListingRecord);

/** Conversations in their own SQLite file every node on a DATA_DIR shares; each call one short transaction. */
export class SqliteConversationStore implements ConversationStore {
  readonly db: Database.Database;
  private readonly s;

  constructor(dataDir: string) {
    this.db = openSharedDatabase(dataDir, MESSAGES_FILE);
    this.db.exec(SCHEMA);
    // Writes wait for the lock in whenFree, not in SQLite's sleeping busy handler (see there).
    this.db.pragma('busy_timeout = 0');
    const p = (sql: string) => this.db.prepare(sql);
    this.s = {
      insertConversation: p(
        'INSERT INTO conversations (id, listing_id, renter_id, host_id, created_at, listing, last_message_id) VALUES (?, ?, ?, ?, ?, ?, 0) ON CONFLICT DO NOTHING',
      ),
      byListingRenter: p('SELECT * FROM conversations WHERE listing_id = ? AND renter_id = ?'),
      conversation: p('SELECT * FROM conversations WHERE id = ?'),
      conversationsOf: p(
        'SELECT * FROM (SELECT * FROM conversations WHERE renter_id = @a UNION ALL SELECT * FROM conversations WHERE host_id = @a AND renter_id <> @a) ORDER BY last_message_id DESC, created_at DESC LIMIT @limit',
      ),
      insertMessage: p(
        `INSERT INTO messages (conversation_id, sender, recipient, text, client_id, sent_at) VALUES (@conversationId, @sender, @recipient, @text, @clientId, @sentAt)
         ON CONFLICT (sender, client_id) DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
      ),
      bySenderClient: p(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender = ? AND client_id = ?`),
      bump: p('UPDATE conversations SET last_message_id = ? WHERE id = ? AND last_message_id < ?'),
      before: p(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?`),
      last: p(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id IN (SELECT MAX(id) FROM messages WHERE conversation_id IN (SELECT value FROM json_each(?)) GROUP BY conversation_id)`),
      unread: p(
        `SELECT m.conversation_id AS id, COUNT(*) AS n FROM messages m
         LEFT JOIN conversation_cursors r ON r.conversation_id = m.conversation_id AND r.account_id = @a
         WHERE m.recipient = @a AND m.id > COALESCE(r.read_up_to, 0) AND m.conversation_id IN (SELECT value FROM json_each(@ids))
         GROUP BY m.conversation_id`,
      ),
      messagesOf: p(
        `SELECT ${MESSAGE_COLUMNS} FROM (SELECT * FROM messages WHERE sender = @a AND id > @after UNION ALL SELECT * FROM messages WHERE recipient = @a AND sender <> @a AND id > @after) ORDER BY id LIMIT @limit`,
      ),
      after: p(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id > ? ORDER BY id LIMIT ?`),
      lastId: p('SELECT COALESCE(MAX(id), 0) FROM messages').pluck(),
      cursor: p(
        `INSERT INTO conversation_cursors (conversation_id, account_id, read_up_to, delivered_up_to) VALUES (@c, @a, @read, @delivered)
         ON CONFLICT (conversation_id, account_id) DO UPDATE SET read_up_to = MAX(read_up_to, excluded.read_up_to), delivered_up_to = MAX(delivered_up_to, excluded.delivered_up_to, excluded.read_up_to)
         RETURNING read_up_to, delivered_up_to`,
      ),
      cursors: p('SELECT account_id, read_up_to, delivered_up_to FROM conversation_cursors WHERE conversation_id = ?'),
      block: p('INSERT INTO blocks (account_id, blocked_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      unblock: p('DELETE FROM blocks WHERE account_id = ? AND blocked_id = ?'),
      blocked: p('SELECT account_id FROM blocks WHERE (account_id = @a AND blocked_id = @b) OR (account_id = @b AND blocked_id = @a)').pluck(),
      blockersIn: p(
        `SELECT b.account_id FROM conversations c JOIN blocks b
         ON (b.account_id = c.renter_id AND b.blocked_id = c.host_id) OR (b.account_id = c.host_id AND b.blocked_id = c.renter_id)
         WHERE c.id = ?`,
      ).pluck(),
      report: p('INSERT INTO reports (conversation_id, reporter, reason, at) VALUES (?, ?, ?, ?)'),
      replyTimes: p(
        `SELECT asked.at AS asked_at, (SELECT MIN(h.sent_at) FROM messages h WHERE h.conversation_id = c.id AND h.sender = c.host_id AND h.id > asked.id) AS replied_at
         FROM conversations c
         JOIN (SELECT conversation_id, MIN(id) AS id, MIN(sent_at) AS at FROM messages m WHERE m.sender <> ? GROUP BY conversation_id) asked ON asked.conversation_id = c.id
         WHERE c.host_id = ? ORDER BY c.created_at DESC LIMIT ?`,
      ),
    };
  }

  async start(c: Conversation): Promise<{ conversation: Conversation; created: boolean }> {
    const created = (await whenFree(() => this.s.insertConversation.run(c.id, c.listingId, c.renterId, c.hostId, c.createdAt, JSON.stringify(c.listing)))).changes === 1;
    return { conversation: conversationFrom(this.s.byListingRenter.get(c.listingId, c.renterId) as ConversationRow & { listing: string }), created };
  }

  async conversationAbout(listingId: string, renterId: string): Promise<Conversation | null> {
    const r = this.s.byListingRenter.get(listingId, renterId) as (ConversationRow & { listing: string }) | undefined;
    return r ? conversationFrom(r) : null;
  }

  async conversation(id: string): Promise<Conversation | null> {
    const r = this.s.conversation.get(id) as (ConversationRow & { listing: string }) | undefined;
    return r ? conversationFrom(r) : null;
  }

  async conversationsOf(account: string, limit: number): Promise<Conversation[]> {
    return (this.s.conversationsOf.all({ a: account, limit }) as (ConversationRow & { listing: string })[]).map(conversationFrom);
  }

  async sendMany(ms: NewMessage[]): Promise<{ message: Message; created: boolean }[]> {
    if (ms.length === 0) return [];
    return whenFree(() => this.db
      .transaction(() =>
        ms.map((m) => {
          const row = this.s.insertMessage.get(m) as MessageRow | undefined;
          if (!row) return { message: messageOf(this.s.bySenderClient.get(m.sender, m.clientId) as MessageRow), created: false };
          this.s.bump.run(row.id, m.conversationId, row.id);
          return { message: messageOf(row), created: true };
        }),
      )
      .immediate());
  }

  async messagesBefore(conversationId: string, before: number, limit: number): Promise<Message[]> {
    return (this.s.before.all(conversationId, before > 0 ? before : Number.MAX_SAFE_INTEGER, limit) as MessageRow[]).map(messageOf).reverse();
  }

  async lastMessages(conversationIds: string[]): Promise<Map<string, Message>> {
    if (conversationIds.length === 0) return new Map();
    return new Map((this.s.last.all(JSON.stringify(conversationIds)) as MessageRow[]).map((r) => [r.conversation_id, messageOf(r)]));
  }

  async unreadCounts(account: string, conversationIds: string[]): Promise<Map<string, number>> {
    if (conversationIds.length === 0) return new Map();
    return new Map((this.s.unread.all({ a: account, ids: JSON.stringify(conversationIds) }) as { id: string; n: number }[]).map((r) => [r.id, r.n]));
  }

  async messagesOf(account: string, after: number, limit: number): Promise<Message[]> {
    return (this.s.messagesOf.all({ a: account, after, limit }) as MessageRow[]).map(messageOf);
  }

  async messagesAfter(after: number, limit: number, wanted: (m: { sender: string; recipient: string }) => boolean): Promise<{ last: number; messages: Message[]; read: number }> {
    const rows = this.s.after.all(after, limit) as MessageRow[];
    return { last: rows.length > 0 ? rows[rows.length - 1]!.id : after, messages: rows.filter(wanted).map(messageOf), read: rows.length };
  }

  async lastMessageId(): Promise<number> {
    return this.s.lastId.get() as number;
  }

  async markRead(conversationId: string, account: string, upTo: number): Promise<number> {
    return (await whenFree(() => this.s.cursor.get({ c: conversationId, a: account, read: upTo, delivered: upTo }) as { read_up_to: number })).read_up_to;
  }

  async markDeliveredMany(marks: { conversationId: string; account: string; upTo: number }[]): Promise<number[]> {
    if (marks.length === 0) return [];
    return whenFree(() =>
      this.db.transaction(() => marks.map((m) => (this.s.cursor.get({ c: m.conversationId, a: m.account, read: 0, delivered: m.upTo }) as { delivered_up_to: number }).delivered_up_to)).immediate(),
    );
  }

  async cursors(conversationId: string): Promise<Map<string, Cursors>> {
    return new Map(
      (this.s.cursors.all(conversationId) as { account_id: string; read_up_to: number; delivered_up_to: number }[]).map((r) => [r.account_id, { read: r.read_up_to, delivered: r.delivered_up_to }]),
    );
  }

  async block(account: string, other: string): Promise<void> {
    await whenFree(() => this.s.block.run(account, other, Date.now()));
  }

  async unblock(account: string, other: string): Promise<void> {
    await whenFree(() => this.s.unblock.run(account, other));
  }

  async blockedBetween(a: string, b: string): Promise<{ aBlockedB: boolean; bBlockedA: boolean }> {
    const who = this.s.blocked.all({ a, b }) as string[];
    return { aBlockedB: who.includes(a), bBlockedA: who.includes(b) };
  }

  async blockersIn(conversationId: string): Promise<string[]> {
    return this.s.blockersIn.all(conversationId) as string[];
  }

  async report(conversationId: string, reporter: string, reason: string, at: number): Promise<void> {
    await whenFree(() => this.s.report.run(conversationId, reporter, reason, at));
  }

  async replyTimes(hostId: string, limit: number): Promise<{ askedAt: number; replyMs: number | null }[]> {
    return (this.s.replyTimes.all(hostId, hostId, limit) as { asked_at: number; replied_at: number | null }[]).map((r) => ({
      askedAt: r.asked_at,
      replyMs: r.replied_at === null ? null : r.replied_at - r.asked_at,
    }));
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
