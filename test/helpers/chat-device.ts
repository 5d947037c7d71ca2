import { LiveClient, type LiveMessage } from './live-client';

interface Outgoing {
  clientId: string;
  conversationId: string;
  text: string;
}

/**
 * One device of a signed-in account in a conversation, behaving as the page does
 * (components/messages/outbox.ts): its sends wait in an outbox and go one at a time, the
 * next when the server acknowledged the last (`sent`), so they commit in the order they
 * were written; a send refused for a moment (`unavailable`) or cut off with its node is sent
 * again with the same clientId — on whatever node the device reconnects to — and the
 * server answers a repeat with the message it already has. Every message frame is kept,
 * across connections; a reconnect resumes after the last one.
 */
export class ChatDevice {
  readonly received: { id: number; clientId: string; from: string; text: string }[] = [];
  readonly acked = new Map<string, number>();
  private readonly outbox: Outgoing[] = [];
  private inFlight = false;
  private client: LiveClient | null = null;
  private retry: NodeJS.Timeout | null = null;

  constructor(private readonly cookie: string) {}

  get lastId(): number {
    return this.received.reduce((m, r) => Math.max(m, r.id), 0);
  }

  get unacked(): number {
    return this.outbox.length;
  }

  get closed(): boolean {
    return !this.client || this.client.ws.readyState !== this.client.ws.OPEN;
  }

  /** Connects to a node (closing any other connection), resumes, and sends the outbox's head again. */
  async connect(base: string): Promise<void> {
    this.client?.close();
    const client = await LiveClient.connect(base, { cookie: this.cookie });
    this.client = client;
    this.inFlight = false;
    client.ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as LiveMessage;
      if (f.type === 'message') {
        this.received.push(f.message as { id: number; clientId: string; from: string; text: string });
      } else if (f.type === 'sent' && f.clientId === this.outbox[0]?.clientId) {
        this.acked.set(f.clientId as string, (f.message as { id: number }).id);
        this.outbox.shift();
        this.inFlight = false;
        this.next();
      } else if (f.type === 'error' && f.clientId === this.outbox[0]?.clientId) {
        // Refused for now (the database away, a limit): the same send again, shortly.
        this.inFlight = false;
        this.retry = setTimeout(() => this.next(), 300);
      }
    });
    client.ws.on('close', () => {
      if (this.client === client) this.inFlight = false;
    });
    client.send({ type: 'resume', after: 0, messagesAfter: this.lastId });
    this.next();
  }

  send(conversationId: string, clientId: string, text: string): void {
    this.outbox.push({ conversationId, clientId, text });
    this.next();
  }

  private next(): void {
    if (this.inFlight || this.closed || this.outbox.length === 0) return;
    this.inFlight = true;
    this.client!.send({ type: 'send', ...this.outbox[0]! });
  }

  close(): void {
    if (this.retry) clearTimeout(this.retry);
    this.client?.close();
    this.client = null;
  }
}
