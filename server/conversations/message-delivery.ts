import type { Bus } from '../bus/bus';
import type { MessageJson } from '../contract/conversations';
import type { HeldSockets } from '../realtime/held-sockets';
import type { LiveConnection } from '../realtime/live-hub';
import { OneAtATime } from '../core/one-at-a-time';
import { PreparedFrame } from '../realtime/prepared-frame';
import { Replays } from '../realtime/replay';
import type { ConversationStore, Message } from './conversation-store';

export const MESSAGES_CHANNEL = 'roost:messages';
/** How often a node reads new messages without a doorbell (the bus may be down). */
const POLL_MS = 100;
const PAGE = 1_000;

export function messageJson(m: Message): MessageJson {
  return { id: m.id, conversationId: m.conversationId, from: m.sender, text: m.text, clientId: m.clientId, sentAt: new Date(m.sentAt).toISOString() };
}

export const messageFrame = (m: Message): string => JSON.stringify({ type: 'message', message: messageJson(m) });

/**
 * Messages to the sockets this node holds, as alerts are delivered: the messages table is
 * the truth, read in id order after a doorbell (routed here because this node holds the
 * sender or the recipient) or at each poll, and each message goes to every socket here of
 * both participants, once per socket. A socket that reconnects sends `resume` with
 * `messagesAfter` and gets the rest from the table first. At least once: the page drops
 * ids it has seen.
 */
export class MessageDelivery {
  /** Messages read up to here; -1 until the first read says where the table ends. */
  private last = -1;
  /** Reads one at a time, so each message is read once per node. */
  private readonly reads = new OneAtATime(() => this.read());
  private readonly cursor = new WeakMap<LiveConnection, number>();
  /**
   * Ids above a socket's cursor that it was sent straight from a ring: the table's read,
   * when it passes them, skips them once (and forgets them). The cursor itself moves only
   * with the table's read, so a message committed on another node with a lower id, rung a
   * moment later, is never taken as already sent.
   */
  private readonly early = new WeakMap<LiveConnection, Set<number>>();
  private readonly timer: NodeJS.Timeout;
  private readonly replays = new Replays();
  /** Messages handed to sockets (for /metrics and benchmarks). */
  delivered = 0;

  constructor(
    private readonly store: ConversationStore,
    bus: Bus,
    private readonly held: HeldSockets,
    /** Told of each message written to a recipient's socket here: that device has it (for "delivered"). */
    private readonly onDelivered: (m: Message, waitedMs: number) => void = () => undefined,
  ) {
    void bus.subscribe(MESSAGES_CHANNEL, (payload) => this.rung(payload));
    this.timer = setInterval(() => this.pump(), POLL_MS);
    this.timer.unref();
  }

  async start(): Promise<void> {
    this.last = await this.store.lastMessageId();
  }

  /** A signed-in socket opened: without a resume, it hears of messages from now on. */
  open(conn: LiveConnection): void {
    if (conn.signedIn) this.cursor.set(conn, this.last);
  }

  /** Replays the account's messages after `after`, then goes on live. */
  async resume(conn: LiveConnection, after: number): Promise<void> {
    if (!conn.session || !conn.signedIn) return;
    const owner = conn.session;
    const ran = await this.replays.run(conn, after, (from, n) => this.store.messagesOf(owner, from, n), (page) => this.sendAll(conn, page), PAGE);
    if (ran) this.cursor.set(conn, Math.max(this.cursor.get(conn) ?? 0, this.last));
  }

  /**
   * A ring: '1' asks for a read of the table; otherwise it carries the messages just
   * committed (JSON), which go to the sockets here at once — a read of the store saved on
   * every message, the most of what stood between a send and its recipient. The table stays
   * the truth: the poll's read delivers anything a ring missed.
   */
  rung(payload: string): void {
    if (payload === '1' || this.last < 0) return this.pump();
    let messages: Message[];
    try {
      messages = (JSON.parse(payload) as Message[]).filter((m) => typeof m?.id === 'number' && typeof m.sender === 'string' && typeof m.recipient === 'string');
    } catch {
      return this.pump();
    }
    const due = new Map<LiveConnection, Message[]>();
    for (const m of messages) this.collect(m, due, false);
    for (const [conn, list] of due) this.sendEarly(conn, list);
  }

  /** A message for every socket here of its participants that has not had it. */
  private collect(m: Message, due: Map<LiveConnection, Message[]>, fromTable: boolean): void {
    for (const owner of m.sender === m.recipient ? [m.sender] : [m.sender, m.recipient]) {
      for (const conn of this.held.of(owner)) {
        if (!conn.signedIn || m.id <= (this.cursor.get(conn) ?? 0)) continue;
        const early = this.early.get(conn);
        if (early?.has(m.id)) {
          // The table's read passes it in id order: the cursor may move past it now.
          if (fromTable) {
            early.delete(m.id);
            this.cursor.set(conn, m.id);
          }
          continue;
        }
        const list = due.get(conn);
        if (list) list.push(m);
        else due.set(conn, [m]);
      }
    }
  }

  private sendEarly(conn: LiveConnection, messages: Message[]): void {
    if (!conn.sendAll(messages.map((m) => new PreparedFrame(messageFrame(m))))) return;
    let early = this.early.get(conn);
    if (!early) this.early.set(conn, (early = new Set()));
    for (const m of messages) early.add(m.id);
    this.counted(conn, messages);
  }

  private counted(conn: LiveConnection, messages: Message[]): void {
    this.delivered += messages.length;
    const now = Date.now();
    for (const m of messages) if (m.recipient === conn.session) this.onDelivered(m, now - m.sentAt);
  }

  /** Reads what was committed since the last read (the table unreadable: the next poll tries again). */
  pump(): void {
    this.reads.ask();
  }

  private async read(): Promise<void> {
    if (this.last < 0) return;
    for (;;) {
      const page = await this.store.messagesAfter(this.last, PAGE, (m) => this.held.has(m.sender) || this.held.has(m.recipient));
      const due = new Map<LiveConnection, Message[]>();
      for (const m of page.messages) this.collect(m, due, true);
      for (const [conn, messages] of due) this.sendAll(conn, messages);
      this.last = page.last;
      if (page.read < PAGE) return;
    }
  }

  private sendAll(conn: LiveConnection, messages: Message[]): void {
    if (messages.length === 0) return;
    if (conn.sendAll(messages.map((m) => new PreparedFrame(messageFrame(m))))) this.counted(conn, messages);
    this.cursor.set(conn, Math.max(messages[messages.length - 1]!.id, this.cursor.get(conn) ?? 0));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
