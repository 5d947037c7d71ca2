import WebSocket from 'ws';

export interface LiveMessage {
  type: string;
  op?: string;
  listing?: { id: string; price: number; lat: number; lon: number };
  [k: string]: unknown;
}

/** A renter's socket for tests: every frame kept, waits by predicate. */
export class LiveClient {
  readonly messages: LiveMessage[] = [];
  closeCode: number | null = null;
  private waiters: { test: (m: LiveMessage) => boolean; resolve: (m: LiveMessage) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as LiveMessage;
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => (w.test(m) ? (w.resolve(m), false) : true));
    });
    ws.on('close', (code) => (this.closeCode = code));
  }

  static connect(base: string, headers: Record<string, string> = {}): Promise<LiveClient> {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws`, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new LiveClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a watch and waits until the server has taken it (a ping round trip after it). */
  async watch(bbox: [number, number, number, number], filters: Record<string, unknown> = {}): Promise<void> {
    this.send({ type: 'watch', bbox, filters });
    await new Promise<void>((resolve) => {
      this.ws.once('pong', () => resolve());
      this.ws.ping();
    });
  }

  next(test: (m: LiveMessage) => boolean, timeoutMs = 3_000): Promise<LiveMessage> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(this.messages).slice(0, 500)}`)), timeoutMs);
      this.waiters.push({ test, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  closed(): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
  }

  close(): void {
    this.ws.close();
  }
}
