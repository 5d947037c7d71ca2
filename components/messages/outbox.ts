import type { MessageJson } from '@/server/contract/conversations';

export interface Outgoing {
  conversationId: string;
  clientId: string;
  text: string;
}

/** Where a frame goes: the live socket (false when it is not open now). */
export type FrameSink = (frame: unknown) => boolean;

const RETRY_MS = 1_000;

/**
 * A device's unsent messages: one on the wire at a time, the next when the server has
 * acknowledged the last (`sent`), so they commit in the order they were written. A send
 * refused for a moment (the server's `unavailable`, a dropped socket) goes again with the
 * same clientId — the server answers a repeat with the message it already has, so nothing
 * is ever sent twice, whatever node the socket reconnects to.
 */
export class Outbox {
  private readonly queue: Outgoing[] = [];
  private inFlight = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly sink: FrameSink,
    /** Told when a message was committed (its id and time), or could not be (a refusal that will not change). */
    private readonly onSent: (clientId: string, message: MessageJson) => void,
    private readonly onRefused: (clientId: string, code: string) => void,
  ) {}

  get pending(): readonly Outgoing[] {
    return this.queue;
  }

  add(o: Outgoing): void {
    this.queue.push(o);
    this.pump();
  }

  /** The socket (re)connected: the head goes again. */
  connected(): void {
    this.inFlight = false;
    this.pump();
  }

  sent(clientId: string, message: MessageJson): void {
    const i = this.queue.findIndex((o) => o.clientId === clientId);
    if (i < 0) return;
    this.queue.splice(i, 1);
    if (i === 0) this.inFlight = false;
    this.onSent(clientId, message);
    this.pump();
  }

  /** The server refused a send: for now (unavailable, too fast) it goes again; otherwise it is dropped and said so. */
  refused(clientId: string, code: string): void {
    if (this.queue[0]?.clientId !== clientId) return;
    this.inFlight = false;
    if (code === 'unavailable' || code === 'rate_limited') {
      this.timer = setTimeout(() => this.pump(), RETRY_MS);
      return;
    }
    this.queue.shift();
    this.onRefused(clientId, code);
    this.pump();
  }

  private pump(): void {
    if (this.inFlight || this.queue.length === 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const head = this.queue[0]!;
    if (this.sink({ type: 'send', ...head })) this.inFlight = true;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}
