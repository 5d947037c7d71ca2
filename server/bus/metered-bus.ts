import type { Bus, BusHandler } from './bus';

export interface BusCounts {
  /** A message sent: to every node, or to one. */
  sent(channel: string, to: 'all' | 'one'): void;
  received(channel: string): void;
}

export type BusMessageKind = 'sent_all' | 'sent_one' | 'received';

/** Running totals per (channel, kind), kept as plain numbers on the hot path and read by /metrics. */
export class BusTally implements BusCounts {
  readonly totals = new Map<string, { channel: string; kind: BusMessageKind; n: number }>();

  private add(channel: string, kind: BusMessageKind): void {
    const k = `${channel} ${kind}`;
    const t = this.totals.get(k);
    if (t) t.n++;
    else this.totals.set(k, { channel, kind, n: 1 });
  }

  sent(channel: string, to: 'all' | 'one'): void {
    this.add(channel, to === 'all' ? 'sent_all' : 'sent_one');
  }

  received(channel: string): void {
    this.add(channel, 'received');
  }
}

/** Any bus, counting what it sends and hears per channel (for /metrics: bus messages per alert delivered). */
export class MeteredBus implements Bus {
  constructor(
    private readonly inner: Bus,
    private readonly counts: BusCounts,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get doorbellGapMs(): number {
    return this.inner.doorbellGapMs;
  }

  async publish(channel: string, message: string): Promise<boolean> {
    const sent = await this.inner.publish(channel, message);
    if (sent) this.counts.sent(channel, 'all');
    return sent;
  }

  async publishTo(node: string, channel: string, message: string): Promise<boolean> {
    const sent = await this.inner.publishTo(node, channel, message);
    if (sent) this.counts.sent(channel, 'one');
    return sent;
  }

  subscribe(channel: string, handler: BusHandler): Promise<void> {
    return this.inner.subscribe(channel, (message) => {
      this.counts.received(channel);
      handler(message);
    });
  }

  onReconnect(handler: (lostAt: number) => void): void {
    this.inner.onReconnect(handler);
  }

  health() {
    return this.inner.health();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
