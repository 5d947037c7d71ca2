/**
 * The conversations part of the wire contract (CONTRACT.md "Conversations", WebSocket
 * `send`/`sent`/`message`/`read`): request bodies as zod schemas, frames and JSON shapes,
 * shared by the server and the page.
 */
import { z } from 'zod';
import type { Listing } from '../core/listing';

export const MAX_MESSAGE_LENGTH = 4_000;
export const MAX_CLIENT_ID_LENGTH = 64;
export const MESSAGES_PAGE = 50;
export const MAX_MESSAGES_PAGE = 200;

/**
 * A message's text: 1–4,000 characters of plain text. Line breaks and tabs are text; other
 * control characters and the bidirectional overrides that make text read other than it is
 * are refused. Shown as text everywhere: no HTML is ever made of it.
 */
export const messageTextSchema = z
  .string()
  .refine((s) => s.trim().length > 0, 'must not be empty')
  .refine((s) => [...s].length <= MAX_MESSAGE_LENGTH, `must be at most ${MAX_MESSAGE_LENGTH} characters`)
  .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(s), 'must not contain control characters');

/** The sender's own id for a message, so a retry (another node, after a crash) is the same message. */
export const clientIdSchema = z
  .string()
  .min(1)
  .max(MAX_CLIENT_ID_LENGTH)
  .regex(/^[\w.:-]+$/, 'may hold letters, digits and . _ : - only');

export const conversationIdSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w-]+$/, 'is not a conversation id');

const idNumber = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const startConversationSchema = z.object({ listingId: z.string().min(1).max(64) }).strict();
export const sendMessageSchema = z.object({ clientId: clientIdSchema, text: messageTextSchema }).strict();
export const readUpToSchema = z.object({ upTo: idNumber }).strict();
export const reportSchema = z.object({ reason: z.string().trim().min(1).max(1000) }).strict();

/** Client → server frames of conversations (realtime/protocol.ts takes them into its union). */
export const sendFrame = z.object({ type: z.literal('send'), conversationId: conversationIdSchema, clientId: clientIdSchema, text: messageTextSchema });
export const readFrame = z.object({ type: z.literal('read'), conversationId: conversationIdSchema, upTo: idNumber });
/** A recipient's device has the messages up to `upTo` (an extension: senders see "delivered"). */
export const deliveredFrame = z.object({ type: z.literal('delivered'), conversationId: conversationIdSchema, upTo: idNumber });

export interface MessageJson {
  id: number;
  conversationId: string;
  from: string;
  text: string;
  clientId: string;
  sentAt: string;
}

export interface PersonJson {
  id: string;
  name: string;
}

export interface ConversationJson {
  id: string;
  /** The home it is about, as it is now (or as it was when it started, if it has been taken down). */
  listing: Listing;
  with: PersonJson;
  /** Whether the signed-in account is the listing's host in it. */
  asHost: boolean;
  lastMessage: MessageJson | null;
  unread: number;
  /** The account has blocked the other person. */
  blocked: boolean;
}

export interface MessagesPageJson {
  messages: MessageJson[];
  readUpTo: { me: number; them: number };
  deliveredUpTo: { them: number };
  /** More, older messages exist before the first of this page. */
  more: boolean;
}

/** Server → client frames of conversations. */
export type ConversationFrame =
  | { type: 'message'; message: MessageJson }
  | { type: 'sent'; clientId: string; message: MessageJson }
  | { type: 'read'; conversationId: string; by: string; upTo: number }
  | { type: 'delivered'; conversationId: string; by: string; upTo: number }
  | { type: 'error'; code: string; message: string; clientId?: string };
