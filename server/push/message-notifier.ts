import type { AccountStore } from '../accounts/account-store';
import type { HolderRegistry } from '../alerts/holder-registry';
import type { ConversationStore, Message } from '../conversations/conversation-store';
import { OneAtATime } from '../core/one-at-a-time';
import { log } from '../log';
import { messageNotice } from './message-notice';
import type { PushSender } from './push-sender';
import type { PushStore } from './push-store';

const CURSOR = 'message-notify';
const PAGE = 500;
/** One notification per conversation and recipient at most this often (a chat of twenty lines is one buzz). */
export const NOTIFY_PERIOD_MS = 10 * 60_000;
/** A message older than this when first considered (a node down for a day) is not worth a buzz. */
const TOO_OLD_MS = 24 * 3600_000;

export interface MessageNotifierOptions {
  conversations: ConversationStore;
  accounts: AccountStore;
  registry: HolderRegistry;
  push: PushStore;
  sender: PushSender;
  /** How long a message waits unread, its recipient holding no socket, before the push (MESSAGE_NOTIFY_AFTER_S). */
  afterMs: number;
  periodMs?: number;
  /** How often the messages table is read for messages that have waited long enough. */
  pollMs?: number;
  now?: () => number;
}

/**
 * Pushes "New message from Ann: …" to a participant who is away (issue 29 on issue 27's
 * conversations): a message that has waited `afterMs` with its recipient holding no socket
 * on any node (the holder registry) and not having read it. Every node reads the messages
 * table in id order behind a cursor kept in the record, once messages are old enough; the
 * claim in the record (push_notices) lets one node, once per conversation and recipient per
 * period, send it.
 *
 * Across a restart: the cursor is stored after each read, so messages committed while the
 * node was down, or not yet old enough when it stopped, are read when it is back (a node
 * killed mid-read reads the rest again; the claim keeps that from pushing twice). The claim
 * is taken before the push, so a node killed between the two loses that one notice (at
 * most once, never twice); a push service that is down loses it too — the message itself
 * is in the inbox, and the next message after the period notifies again.
 */
export class MessageNotifier {
  private cursor = -1;
  private readonly reads = new OneAtATime(() => this.read());
  private timer: NodeJS.Timeout | null = null;
  /** Claims this node took, by conversation and recipient: within the period it does not ask again. */
  private readonly claimed = new Map<string, number>();
  private readonly now: () => number;
  /** Notifications sent (for tests and /metrics). */
  sent = 0;

  constructor(private readonly o: MessageNotifierOptions) {
    this.now = o.now ?? Date.now;
  }

  async start(): Promise<void> {
    const stored = await this.o.push.cursor(CURSOR);
    // The first start of a record with messages already: from now on, not its history.
    this.cursor = stored ?? (await this.o.conversations.lastMessageId());
    if (stored === null) await this.o.push.setCursor(CURSOR, this.cursor);
    this.timer = setInterval(() => this.reads.ask(), this.o.pollMs ?? Math.min(5_000, Math.max(250, this.o.afterMs / 4)));
    this.timer.unref();
  }

  /** Reads now (tests; a node that just committed a message does not need to). */
  poke(): void {
    this.reads.ask();
  }

  private async read(): Promise<void> {
    if (this.cursor < 0) return;
    for (;;) {
      const horizon = this.now() - this.o.afterMs;
      const page = await this.o.conversations.messagesAfter(this.cursor, PAGE, () => true);
      let upTo = this.cursor;
      let young = false;
      const due: Message[] = [];
      for (const m of page.messages) {
        if (m.sentAt > horizon) {
          young = true;
          break;
        }
        due.push(m);
        upTo = m.id;
      }
      if (!young && page.read < PAGE) upTo = Math.max(upTo, page.last);
      await this.consider(due);
      if (upTo > this.cursor) {
        this.cursor = upTo;
        await this.o.push.setCursor(CURSOR, upTo);
      }
      if (young || page.read < PAGE) return;
    }
  }

  /**
   * A page's messages that have waited long enough: the newest per conversation and
   * recipient (one notice each at most), their recipients' holders asked at once. A store
   * that does not answer throws (the page is read again at the next poll); a push that
   * fails is given up.
   */
  private async consider(messages: Message[]): Promise<void> {
    const now = this.now();
    const period = this.o.periodMs ?? NOTIFY_PERIOD_MS;
    const newest = new Map<string, Message>();
    for (const m of messages) {
      if (m.sender === m.recipient || now - m.sentAt > TOO_OLD_MS) continue;
      const key = `${m.conversationId}:${m.recipient}`;
      // Claimed here within the period: no need to ask the record again.
      if (now - (this.claimed.get(key) ?? -Infinity) < period) continue;
      newest.set(key, m);
    }
    if (newest.size === 0) return;
    const holders = await this.o.registry.holders([...new Set([...newest.values()].map((m) => m.recipient))]);
    const sends: Promise<void>[] = [];
    for (const [key, m] of newest) {
      if ((holders.get(m.recipient)?.length ?? 0) > 0) continue;
      const read = (await this.o.conversations.cursors(m.conversationId)).get(m.recipient)?.read ?? 0;
      if (read >= m.id) continue;
      const subs = await this.o.push.subscriptionsOf(m.recipient);
      if (subs.length === 0) continue;
      if (!(await this.o.push.claimNotice(key, now, period))) continue;
      this.claimed.set(key, now);
      sends.push(this.send(m, subs[subs.length - 1]!.locale));
    }
    if (this.claimed.size > 50_000) for (const [k, at] of this.claimed) if (now - at >= period) this.claimed.delete(k);
    await Promise.all(sends);
  }

  private async send(m: Message, locale: string): Promise<void> {
    try {
      const name = (await this.o.accounts.accounts([m.sender])).get(m.sender)?.name ?? '';
      const { delivered } = await this.o.sender.sendToOwner(m.recipient, messageNotice(locale, name, m.conversationId, m.text));
      if (delivered > 0) this.sent++;
    } catch (err) {
      log.warn({ err: (err as Error).message, conversation: m.conversationId }, 'message notification not sent');
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
