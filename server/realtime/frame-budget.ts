/**
 * A socket's budget of watch and resume frames: `ratePerS` a second, up to twice that in a
 * burst. Per socket and in this node by nature (a socket lives on one node), and checked
 * in line as each frame arrives so frames keep their order; the HTTP limits, which must
 * count across nodes, are rate-limiter-flexible's (ops/rate-limit.ts).
 */
export class FrameBudget {
  private tokens: number;
  private at = Date.now();

  constructor(private readonly ratePerS: number) {
    this.tokens = ratePerS * 2;
  }

  /** Spends a frame's token; false when there is none left. */
  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.ratePerS * 2, this.tokens + ((now - this.at) / 1000) * this.ratePerS);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
