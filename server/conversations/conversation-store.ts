import type { ListingRecord } from '../core/listing';

/** A renter's conversation with a listing's host, one per (listing, renter). */
export interface Conversation {
  /** `c-…`, random. */
  id: string;
  listingId: string;
  renterId: string;
  hostId: string;
  createdAt: number;
  /** The listing when the conversation began: its card heads the conversation after the home is gone. */
  listing: ListingRecord;
  /** The newest message's id (0 before the first): conversations list by it, newest first. */
  lastMessageId: number;
}

export interface Message {
  /** Increases in commit order across the whole site: one number resumes every conversation. */
  id: number;
  conversationId: string;
  sender: string;
  /** The other participant, for routing a message to the nodes that hold their sockets. */
  recipient: string;
  text: string;
  clientId: string;
  sentAt: number;
}

export type NewMessage = Omit<Message, 'id'>;

/** How far a participant has read, and how far their devices have received. */
export interface Cursors {
  read: number;
  delivered: number;
}

/**
 * Conversations and their messages: SQLite (messages.db in DATA_DIR, a file of its own so
 * messages and the matcher's alerts never queue for one write lock) on one machine,
 * PostgreSQL across hosts. One contract suite (test/conversation-store-contract.test.ts)
 * runs on both. A message is written once per (sender, clientId): a retry from any node
 * returns the one written. Ids increase in commit order, so a reader following them (each
 * node's delivery, a client's resume) never passes a message that commits later.
 */
export interface ConversationStore {
  /** Starts the conversation, or returns the one this renter has about this listing. */
  start(c: Conversation): Promise<{ conversation: Conversation; created: boolean }>;
  /** The conversation this renter has about this listing, if any. */
  conversationAbout(listingId: string, renterId: string): Promise<Conversation | null>;
  conversation(id: string): Promise<Conversation | null>;
  /** The account's conversations, as renter or host, newest activity first. */
  conversationsOf(account: string, limit: number): Promise<Conversation[]>;
  /**
   * Writes messages in one transaction (one commit, one fsync, for everything a node's
   * senders sent in the same moment), in the order given; each once per (sender, clientId):
   * a repeat gets the message written the first time, created false.
   */
  sendMany(ms: NewMessage[]): Promise<{ message: Message; created: boolean }[]>;
  /** A conversation's messages before an id (all, with `before` 0), oldest first, the newest `limit`. */
  messagesBefore(conversationId: string, before: number, limit: number): Promise<Message[]>;
  lastMessages(conversationIds: string[]): Promise<Map<string, Message>>;
  /** Messages to the account after its read cursor, per conversation. */
  unreadCounts(account: string, conversationIds: string[]): Promise<Map<string, number>>;
  /** An account's messages (sent and received) after an id, oldest first: a client's resume. */
  messagesOf(account: string, after: number, limit: number): Promise<Message[]>;
  /** Every message after an id, for a node to deliver; whole only for those `wanted` (a held sender or recipient). */
  messagesAfter(after: number, limit: number, wanted: (m: { sender: string; recipient: string }) => boolean): Promise<{ last: number; messages: Message[]; read: number }>;
  lastMessageId(): Promise<number>;
  /** Moves a participant's read (or delivered) cursor forward, never back; the cursor now. */
  markRead(conversationId: string, account: string, upTo: number): Promise<number>;
  /** Moves several delivered cursors forward in one transaction (a node's marks of a moment); each cursor as it is now. */
  markDeliveredMany(marks: { conversationId: string; account: string; upTo: number }[]): Promise<number[]>;
  cursors(conversationId: string): Promise<Map<string, Cursors>>;
  /** `account` hears nothing more from `other` (and can no longer write to them). */
  block(account: string, other: string): Promise<void>;
  unblock(account: string, other: string): Promise<void>;
  /** Whether either of the two has blocked the other. */
  blockedBetween(a: string, b: string): Promise<{ aBlockedB: boolean; bBlockedA: boolean }>;
  /**
   * Which of a conversation's two participants has blocked the other (none, one or both),
   * asked by conversation so a send can ask it beside who the participants are.
   */
  blockersIn(conversationId: string): Promise<string[]>;
  /** A conversation reported for the operator to read. */
  report(conversationId: string, reporter: string, reason: string, at: number): Promise<void>;
  /** Per recent conversation of the host: ms from the renter's first message to the host's first reply after it (null: none yet), and when asked. */
  replyTimes(hostId: string, limit: number): Promise<{ askedAt: number; replyMs: number | null }[]>;
  close(): Promise<void>;
}
