import type { IncomingMessage } from 'node:http';

/**
 * Token buckets by key (a client's address): `ratePerS` tokens a second, up to `burst`.
 * Kept per node: behind a balancer each node allows its share, which is what protects it.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
  ) {
    // Idle buckets are full again after burst / rate seconds: forget them.
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Takes a token; when none is left, how many seconds until one is. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterS: number } {
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerS);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / this.ratePerS)) };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, b] of this.buckets) if (now - b.at > (this.burst / this.ratePerS) * 1000) this.buckets.delete(k);
  }

  stop(): void {
    clearInterval(this.sweeper);
  }
}

/** The client's address: the socket's, or the first X-Forwarded-For hop behind a trusted proxy. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const fwd = req.headers['x-forwarded-for'];
    const first = (Array.isArray(fwd) ? fwd[0] : fwd)?.split(',')[0]?.trim();
    if (first) return first;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
