/**
 * Writes that arrive while one is being committed wait and go together in the next
 * commit: one transaction (one fsync, one lock) for everything a node was asked in the
 * same moment, with no fixed delay — the first write of a quiet moment goes at once.
 * What made messages slow under load was many one-row commits queueing on one file's lock.
 */
export class GroupCommit<T, R> {
  private queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = false;

  constructor(
    /** Commits a batch; answers one result per item, in order. */
    private readonly commit: (items: T[]) => Promise<R[]>,
    /** Most items in one commit. */
    private readonly max = 500,
  ) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    // Whatever else is asked in this turn of the loop joins the first commit.
    await Promise.resolve();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.max);
      try {
        const results = await this.commit(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    this.running = false;
  }
}
