import type { ConversationStore } from './conversation-store';

/** Conversations a host's figure is made from: the latest this many. */
const RECENT = 50;
/** Recomputed at most this often per host: it moves with days of replies, not seconds. */
const TTL_MS = 10 * 60 * 1000;
/** An unanswered question counts as this slow once it is this old, so silence lowers the figure. */
const UNANSWERED_MS = 24 * 3600 * 1000;
/** Fewer answered conversations than this say nothing yet. */
const ENOUGH = 2;

/**
 * "Usually replies within …" on a host's listings: the median time from a renter's first
 * message to the host's first reply after it, over their latest conversations; a question
 * left a day unanswered counts as a day. Cached per host.
 */
export class ReplyTimes {
  private readonly cache = new Map<string, { at: number; value: { replyMs: number } | null }>();

  constructor(private readonly store: ConversationStore) {}

  async of(hostId: string): Promise<{ replyMs: number } | null> {
    const hit = this.cache.get(hostId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const now = Date.now();
    const times = (await this.store.replyTimes(hostId, RECENT))
      .map((t) => (t.replyMs !== null ? t.replyMs : now - t.askedAt > UNANSWERED_MS ? UNANSWERED_MS : null))
      .filter((t): t is number => t !== null)
      .sort((a, b) => a - b);
    const value = times.length >= ENOUGH ? { replyMs: times[Math.floor((times.length - 1) / 2)]! } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hostId, { at: now, value });
    return value;
  }
}
