import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccountStore } from '../accounts/account-store';
import type { HolderRegistry } from '../alerts/holder-registry';
import type { Bus } from '../bus/bus';
import type { Capability } from '../capability';
import {
  conversationIdSchema,
  MAX_MESSAGES_PAGE,
  MESSAGES_PAGE,
  readUpToSchema,
  reportSchema,
  sendMessageSchema,
  startConversationSchema,
  type ConversationJson,
  type MessagesPageJson,
} from '../contract/conversations';
import { listingOf } from '../core/listing';
import type { StoreEngine } from '../engine/store-engine';
import { ApiError, sendJson, validated, withinBudget } from '../http/api-error';
import { readJson } from '../http/read-body';
import { log } from '../log';
import type { Limiter } from '../ops/rate-limit';
import type { HeldSockets } from '../realtime/held-sockets';
import type { LiveConnection } from '../realtime/live-hub';
import { errorFrame } from '../realtime/protocol';
import { DoorbellRouter } from '../realtime/doorbell-router';
import type { Visitors } from '../sessions/visitors';
import { GroupCommit } from '../core/group-commit';
import type { Conversation, ConversationStore, Message, NewMessage } from './conversation-store';
import { MESSAGES_CHANNEL, MessageDelivery, messageJson } from './message-delivery';
import { ReplyTimes } from './reply-times';

type DeliveredMark = { conversationId: string; account: string; upTo: number };

/** Read and delivered receipts: to the nodes holding the participants, best effort (the page re-reads them on load). */
export const RECEIPTS_CHANNEL = 'roost:receipts';
const LIST_LIMIT = 100;

export interface ConversationsOptions {
  store: ConversationStore;
  accounts: AccountStore;
  engine: StoreEngine;
  visitors: Visitors;
  bus: Bus;
  held: HeldSockets;
  registry: HolderRegistry;
  node: string;
  /** messages: sends per account; conversations: new conversations a renter starts (RATE_CONVERSATIONS_PER_DAY). */
  limits: Limiter<'messages' | 'conversations'>;
  /** Told how long each message written to a recipient's socket waited since it was sent (for /metrics). */
  onDelivered?(waitedMs: number): void;
}

interface Receipt {
  kind: 'read' | 'delivered';
  conversationId: string;
  by: string;
  upTo: number;
  /** The participants whose sockets hear of it. */
  to: string[];
}

/**
 * Renter ↔ host conversations (CONTRACT.md "Conversations"), over HTTP and the clustered
 * socket. A message is committed before it is acknowledged (`sent`, 201), once per
 * (sender, clientId) whatever node a retry reaches; then the nodes holding either
 * participant are rung (the holder registry: one bus message per holding node) and deliver
 * it from the table in id order to every socket of both. Only the two participants see a
 * conversation (404 to anyone else); a block stops messages from the blocked person.
 */
export function conversationsModule(o: ConversationsOptions): Capability & { delivery: MessageDelivery; replyFigure(hostId: string): Promise<{ replyMs: number } | null> } {
  const delivery = new MessageDelivery(o.store, o.bus, o.held, (m, waited) => {
    o.onDelivered?.(waited);
    // The recipient's device has it: the sender sees "delivered".
    void markDelivered(m.conversationId, m.recipient, m.id, m.sender);
  });
  const router = new DoorbellRouter(o.registry, o.bus, MESSAGES_CHANNEL, o.node, (payload) => delivery.rung(payload));
  const replyTimes = new ReplyTimes(o.store);

  // Receipts for sockets here; a receipt for a participant held elsewhere goes to those nodes.
  const receiptHere = (r: Receipt) => {
    const frame = JSON.stringify({ type: r.kind, conversationId: r.conversationId, by: r.by, upTo: r.upTo });
    for (const owner of new Set(r.to)) for (const conn of o.held.of(owner)) if (conn.signedIn) conn.send(frame);
  };
  void o.bus.subscribe(RECEIPTS_CHANNEL, (text) => {
    try {
      receiptHere(JSON.parse(text) as Receipt);
    } catch {
      // not ours
    }
  });
  const sendReceipt = async (r: Receipt) => {
    receiptHere(r);
    const holders = await o.registry.holders(r.to).catch(() => null);
    if (!holders) return void o.bus.publish(RECEIPTS_CHANNEL, JSON.stringify(r));
    for (const node of new Set([...holders.values()].flat())) if (node !== o.node) void o.bus.publishTo(node, RECEIPTS_CHANNEL, JSON.stringify(r));
  };

  // A node's sends of one moment are one commit; so are its delivered marks.
  const writer = new GroupCommit((ms: NewMessage[]) => o.store.sendMany(ms));
  const marker = new GroupCommit((marks: DeliveredMark[]) => o.store.markDeliveredMany(marks));

  /** Delivered marks move once per stretch: a burst of messages to one device is one mark and one receipt. */
  const deliveredSeen = new Map<string, number>();
  async function markDelivered(conversationId: string, account: string, upTo: number, other: string): Promise<void> {
    const key = `${conversationId}:${account}`;
    if ((deliveredSeen.get(key) ?? 0) >= upTo) return;
    deliveredSeen.set(key, upTo);
    if (deliveredSeen.size > 100_000) deliveredSeen.clear();
    try {
      const now = await marker.add({ conversationId, account, upTo });
      await sendReceipt({ kind: 'delivered', conversationId, by: account, upTo: now, to: [other, account] });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'delivered mark not stored; the page reads it again later');
    }
  }

  /** The conversation, if the account is one of its two; otherwise it does not exist for them (404). */
  async function participantOf(conversationId: string, account: string): Promise<Conversation & { other: string }> {
    const id = conversationIdSchema.safeParse(conversationId);
    const c = id.success ? await o.store.conversation(id.data) : null;
    if (!c || (c.renterId !== account && c.hostId !== account)) throw new ApiError('not_found', 'no conversation of yours with that id', 'conversationId');
    return { ...c, other: c.renterId === account ? c.hostId : c.renterId };
  }

  /**
   * Who a conversation is between never changes, so a send asks the store once per
   * conversation, not once per message (the newest id, which does change, is not used here).
   */
  const known = new Map<string, Conversation>();
  async function participantsOf(conversationId: string, account: string): Promise<Conversation & { other: string }> {
    const c = known.get(conversationId);
    if (c && (c.renterId === account || c.hostId === account)) return { ...c, other: c.renterId === account ? c.hostId : c.renterId };
    const fresh = await participantOf(conversationId, account);
    if (known.size >= 20_000) known.clear();
    known.set(fresh.id, fresh);
    return fresh;
  }

  async function conversationJson(account: string, cs: Conversation[]): Promise<ConversationJson[]> {
    const ids = cs.map((c) => c.id);
    const others = cs.map((c) => (c.renterId === account ? c.hostId : c.renterId));
    const [people, last, unread, listings, blocks] = await Promise.all([
      o.accounts.accounts([...new Set(others)]),
      o.store.lastMessages(ids),
      o.store.unreadCounts(account, ids),
      Promise.all(cs.map((c) => o.engine.get(c.listingId))),
      Promise.all(others.map((other) => o.store.blockedBetween(account, other))),
    ]);
    return cs.map((c, i) => {
      const m = last.get(c.id);
      return {
        id: c.id,
        listing: listings[i] ?? listingOf(c.listing),
        with: { id: others[i]!, name: people.get(others[i]!)?.name ?? '' },
        asHost: c.hostId === account,
        lastMessage: m ? messageJson(m) : null,
        unread: unread.get(c.id) ?? 0,
        blocked: blocks[i]!.aBlockedB,
      };
    });
  }

  /**
   * Starts (or finds) this renter's conversation with a listing's host. A new one spends
   * the renter's day's budget: each lands in a host's inbox, headed by the renter's name.
   */
  async function start(account: string, listingId: string, res: ServerResponse): Promise<{ conversation: Conversation; created: boolean }> {
    const record = await o.engine.store.get(listingId);
    if (!record) throw new ApiError('not_found', `no listing with id ${listingId}`, 'listingId');
    const host = (await o.accounts.hostsOf([listingId])).get(listingId);
    if (!host) throw new ApiError('unprocessable', 'this listing has no host on Roost to talk to', 'listingId');
    if (host === account) throw new ApiError('conflict', 'this is your own listing', 'listingId');
    const existing = await o.store.conversationAbout(listingId, account);
    if (existing) return { conversation: existing, created: false };
    withinBudget(await o.limits.take('conversations', account), res, 'new conversations today');
    return o.store.start({ id: `c-${crypto.randomBytes(9).toString('base64url')}`, listingId, renterId: account, hostId: host, createdAt: Date.now(), listing: record, lastMessageId: 0 });
  }

  /** Sends once per clientId: committed before it answers, then rung to the holders of both. */
  async function send(account: string, conversationId: string, clientId: string, text: string): Promise<{ message: Message; created: boolean }> {
    // Asked together, each a round trip (store, Redis) that a send would otherwise wait for in turn.
    const [c, took, blockers] = await Promise.all([participantsOf(conversationId, account), o.limits.take('messages', account), o.store.blockersIn(conversationId)]);
    if (!took.ok) throw new ApiError('rate_limited', `too many messages; try again in ${took.retryAfterS} s`);
    if (blockers.includes(c.other)) throw new ApiError('forbidden', 'this person does not take messages from you', 'conversationId');
    if (blockers.includes(account)) throw new ApiError('forbidden', 'you blocked this person; unblock them to write', 'conversationId');
    // Where the two are held is asked while the message commits: the ring goes out the moment it has.
    const holders = router.holdersOf([account, c.other]);
    const out = await writer.add({ conversationId: c.id, sender: account, recipient: c.other, text, clientId, sentAt: Date.now() });
    // A clientId names one message: again in its conversation it is a retry (CONTRACT.md:
    // the same message back); in another, the sender would be told "sent" of a message
    // that never went there.
    if (!out.created && out.message.conversationId !== c.id) {
      throw new ApiError('conflict', 'clientId: already used for a message in another conversation; give each message its own', 'clientId');
    }
    // A repeat rings too: a retry after a crash may be the first ring this message gets.
    void router.ring([account, c.other], JSON.stringify([out.message]), holders);
    return out;
  }

  /**
   * How far a cursor may move: to the conversation's newest message, not past it. A cursor
   * set ahead would show the other person "read" on messages they write later.
   */
  const upToNow = (c: Conversation, upTo: number) => Math.min(upTo, c.lastMessageId);

  async function read(account: string, conversationId: string, upTo: number): Promise<void> {
    const c = await participantOf(conversationId, account);
    const now = await o.store.markRead(c.id, account, upToNow(c, upTo));
    await sendReceipt({ kind: 'read', conversationId: c.id, by: account, upTo: now, to: [c.other, account] });
  }

  const signedIn = async (req: IncomingMessage, write: boolean) => {
    if (write) o.visitors.checkOrigin(req);
    return (await o.visitors.signedIn(req)).accountId;
  };

  const routes = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const { pathname } = url;
    if (!pathname.startsWith('/api/conversations')) return false;
    const method = req.method ?? 'GET';
    const write = method !== 'GET' && method !== 'HEAD';
    if (pathname === '/api/conversations') {
      const account = await signedIn(req, write);
      if (method === 'GET') {
        sendJson(res, 200, { conversations: await conversationJson(account, await o.store.conversationsOf(account, LIST_LIMIT)) });
        return true;
      }
      if (method !== 'POST') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
      const { listingId } = validated(startConversationSchema, await readJson(req));
      const { conversation, created } = await start(account, listingId, res);
      sendJson(res, created ? 201 : 200, { conversation: (await conversationJson(account, [conversation]))[0] });
      return true;
    }
    const m = /^\/api\/conversations\/([^/]+)(?:\/(messages|read|block|unblock|report))?$/.exec(pathname);
    if (!m) throw new ApiError('not_found', `no API route ${pathname}`);
    const account = await signedIn(req, write);
    const [, id, action] = m as unknown as [string, string, string | undefined];
    if (!action) {
      if (write) throw new ApiError('method_not_allowed', `${method} is not allowed here`);
      const c = await participantOf(id, account);
      sendJson(res, 200, { conversation: (await conversationJson(account, [c]))[0] });
      return true;
    }
    if (action === 'messages') {
      if (method === 'GET') {
        const c = await participantOf(id, account);
        const before = Number(url.searchParams.get('before') ?? 0);
        const limit = Number(url.searchParams.get('limit') ?? MESSAGES_PAGE);
        if (!Number.isSafeInteger(before) || before < 0) throw new ApiError('bad_request', 'before: must be a message id', 'before');
        if (!Number.isInteger(limit) || limit < 1 || limit > MAX_MESSAGES_PAGE) throw new ApiError('bad_request', `limit: must be 1–${MAX_MESSAGES_PAGE}`, 'limit');
        const [messages, cursors] = await Promise.all([o.store.messagesBefore(c.id, before, limit + 1), o.store.cursors(c.id)]);
        const more = messages.length > limit;
        const page: MessagesPageJson = {
          messages: (more ? messages.slice(1) : messages).map(messageJson),
          readUpTo: { me: cursors.get(account)?.read ?? 0, them: cursors.get(c.other)?.read ?? 0 },
          deliveredUpTo: { them: cursors.get(c.other)?.delivered ?? 0 },
          more,
        };
        sendJson(res, 200, page);
        return true;
      }
      if (method !== 'POST') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
      const body = validated(sendMessageSchema, await readJson(req));
      const out = await send(account, id, body.clientId, body.text);
      sendJson(res, out.created ? 201 : 200, { message: messageJson(out.message) });
      return true;
    }
    if (method !== 'POST') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
    const c = await participantOf(id, account);
    if (action === 'read') {
      const { upTo } = validated(readUpToSchema, await readJson(req));
      await read(account, c.id, upTo);
    } else if (action === 'block') {
      await o.store.block(account, c.other);
    } else if (action === 'unblock') {
      await o.store.unblock(account, c.other);
    } else {
      const { reason } = validated(reportSchema, await readJson(req));
      await o.store.report(c.id, account, reason, Date.now());
      log.warn({ conversation: c.id, reporter: account }, 'a conversation was reported');
    }
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
    return true;
  };

  const sending = new WeakMap<LiveConnection, Promise<void>>();

  /** A frame's failure as an error frame naming the message it was about. */
  const answerError = (conn: LiveConnection, err: unknown, clientId?: string) => {
    const e = err instanceof ApiError ? err : null;
    if (!e) log.warn({ err: (err as Error).message }, 'conversation frame failed');
    const frame = JSON.parse(errorFrame(e?.code ?? 'unavailable', e?.message ?? 'could not be done now; try again')) as Record<string, unknown>;
    conn.send(JSON.stringify(clientId ? { ...frame, clientId } : frame));
  };

  return {
    name: 'conversations',
    delivery,
    replyFigure: (hostId) => replyTimes.of(hostId),
    routes: [routes],
    onSocketOpen: (conn) => delivery.open(conn),
    onResume: (conn, messagesAfter) => {
      if (messagesAfter === undefined || !conn.signedIn) return;
      void delivery.resume(conn, messagesAfter).catch(() => conn.send(errorFrame('unavailable', 'messages are unavailable; resume again shortly')));
    },
    frames: {
      send: (conn, f) => {
        if (!conn.signedIn || !conn.session) return answerError(conn, new ApiError('unauthorized', 'sign in to send messages'), f.clientId);
        const account = conn.session;
        // One socket's sends commit in the order they came: the other person reads them as written.
        const turn = (sending.get(conn) ?? Promise.resolve()).then(() =>
          send(account, f.conversationId, f.clientId, f.text).then(
            ({ message }) => void conn.send(JSON.stringify({ type: 'sent', clientId: f.clientId, message: messageJson(message) })),
            (err: unknown) => answerError(conn, err, f.clientId),
          ),
        );
        sending.set(conn, turn);
      },
      read: (conn, f) => {
        if (!conn.signedIn || !conn.session) return answerError(conn, new ApiError('unauthorized', 'sign in first'));
        read(conn.session, f.conversationId, f.upTo).catch((err: unknown) => answerError(conn, err));
      },
      delivered: (conn, f) => {
        if (!conn.signedIn || !conn.session) return answerError(conn, new ApiError('unauthorized', 'sign in first'));
        const account = conn.session;
        participantOf(f.conversationId, account)
          .then((c) => markDelivered(c.id, account, upToNow(c, f.upTo), c.other))
          .catch((err: unknown) => answerError(conn, err));
      },
    },
    async start() {
      await delivery.start();
    },
    async stop() {
      delivery.stop();
    },
  };
}
