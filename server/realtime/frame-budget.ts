/** What a socket's frame budget says of one more frame. */
export type FrameVerdict = 'ok' | 'over' | 'close';

/**
 * A socket's budget of frames: `ratePerS` a second, up to twice that in a burst. Per socket
 * and in this node by nature (a socket lives on one node), and checked in line as each
 * frame arrives, before it is read, so frames keep their order and an over-budget frame
 * costs no parsing; the HTTP limits, which must count across nodes, are
 * rate-limiter-flexible's (ops/rate-limit.ts).
 *
 * Frames past the budget are strikes, which drain at half the rate: a client a little
 * over now and then is told and keeps its socket; one that keeps sending faster than half
 * again its budget (junk included) runs its strikes past a burst's worth and is closed.
 */
export class FrameBudget {
  private tokens: number;
  private at: number;
  private strikes = 0;
  private struckAt: number;

  constructor(
    private readonly ratePerS: number,
    now = Date.now(),
  ) {
    this.tokens = ratePerS * 2;
    this.at = now;
    this.struckAt = now;
  }

  /** Spends a frame's token: `ok`; none left: `over`, or `close` once the strikes pass a burst. */
  take(now = Date.now()): FrameVerdict {
    this.tokens = Math.min(this.ratePerS * 2, this.tokens + ((now - this.at) / 1000) * this.ratePerS);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'ok';
    }
    const before = Math.max(0, this.strikes - ((now - this.struckAt) / 1000) * (this.ratePerS / 2));
    // A run begins only once the strikes have drained to nothing: a strike that is merely a
    // millisecond old has begun to drain, and must not count as a new run.
    this.firstStrike = before === 0;
    this.strikes = before + 1;
    this.struckAt = now;
    return this.strikes > this.ratePerS * 2 ? 'close' : 'over';
  }

  /**
   * Whether the last frame refused began a run: no strike was left from earlier ones (the
   * client is told once a run, not once a frame).
   */
  firstStrike = false;
}
