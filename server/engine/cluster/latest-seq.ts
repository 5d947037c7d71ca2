/** Listings remembered: far more than change in the few minutes a replay reaches back. */
const CAPACITY = 200_000;

/**
 * The newest sequence number seen of each listing changed lately (the search cluster's
 * `_seq_no`, one order over all writes since the index has one primary shard): whether a
 * change is news, or a repeat or an older one arriving late.
 */
export class LatestSeq {
  private readonly seqs = new Map<string, number>();

  /** True, and remembered, when `seq` is newer than any seen of the listing. */
  advance(listingId: string, seq: number): boolean {
    const seen = this.seqs.get(listingId);
    if (seen !== undefined && seq <= seen) return false;
    // Re-inserted so the map's order is least recently changed first, the end to forget.
    this.seqs.delete(listingId);
    this.seqs.set(listingId, seq);
    if (this.seqs.size > CAPACITY) this.seqs.delete(this.seqs.keys().next().value!);
    return true;
  }
}
