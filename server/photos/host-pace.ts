/**
 * Spaces requests to each host `1 / perSecond` apart, however many workers ask: a
 * million-listing import asks a CDN at a steady, polite rate instead of as fast as the
 * node can go. A turn is taken (and the next one booked) before the wait, so workers
 * queue in order.
 */
export class HostPace {
  private readonly next = new Map<string, number>();
  private readonly gapMs: number;

  constructor(perSecond: number) {
    this.gapMs = 1000 / perSecond;
  }

  async turn(host: string): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next.get(host) ?? 0);
    this.next.set(host, at + this.gapMs);
    if (this.next.size > 1_000) this.forgetIdle(now);
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  }

  /** Hosts whose next turn is past hold nothing worth keeping (`*.domain` can name many). */
  private forgetIdle(now: number): void {
    for (const [host, at] of this.next) if (at < now) this.next.delete(host);
  }
}
