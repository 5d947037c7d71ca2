/** Kept this long: a bus outage longer than this loses live frames (never data). */
const KEEP_MS = 5 * 60_000;
/** And at most this many: at 100 writes a second, the last eight minutes. */
const KEEP_MAX = 50_000;

/**
 * A node's own change notices of the last few minutes, in commit order, to send again
 * after a bus outage (a cluster engine keeps no change log the other nodes could read).
 */
export class RecentChanges {
  private at: number[] = [];
  private messages: string[] = [];
  /** Entries before this index are dropped; the arrays are cut when it passes half. */
  private head = 0;

  add(at: number, message: string): void {
    this.at.push(at);
    this.messages.push(message);
    const oldest = at - KEEP_MS;
    while (this.head < this.at.length && (this.at.length - this.head > KEEP_MAX || this.at[this.head]! < oldest)) this.head++;
    if (this.head > 1024 && this.head * 2 > this.at.length) {
      this.at = this.at.slice(this.head);
      this.messages = this.messages.slice(this.head);
      this.head = 0;
    }
  }

  /** The notices of changes committed at or after `since` (epoch ms), oldest first. */
  since(since: number): string[] {
    // Commit times only grow (a clock stepped back only sends a few more again).
    let lo = this.head;
    let hi = this.at.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at[mid]! < since) lo = mid + 1;
      else hi = mid;
    }
    return this.messages.slice(lo);
  }

  get size(): number {
    return this.at.length - this.head;
  }
}
