import type { ListingRecord } from '../core/listing';
import type { Conversation, Message } from './conversation-store';

/** Rows of the conversations' tables as both stores read them (column names as in SQL). */
export type ConversationRow = { id: string; listing_id: string; renter_id: string; host_id: string; created_at: number; last_message_id: number };
export type MessageRow = { id: number; conversation_id: string; sender: string; recipient: string; text: string; client_id: string; sent_at: number };

export const MESSAGE_COLUMNS = 'id, conversation_id, sender, recipient, text, client_id, sent_at';

/** A conversation row; its listing as each store keeps it (SQLite: JSON text, PostgreSQL: json). */
export const conversationOf = (r: ConversationRow, listing: ListingRecord): Conversation => ({
  id: r.id,
  listingId: r.listing_id,
  renterId: r.renter_id,
  hostId: r.host_id,
  createdAt: r.created_at,
  listing,
  lastMessageId: r.last_message_id,
});

export const messageOf = (r: MessageRow): Message => ({ id: r.id, conversationId: r.conversation_id, sender: r.sender, recipient: r.recipient, text: r.text, clientId: r.client_id, sentAt: r.sent_at });
