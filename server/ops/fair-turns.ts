/**
 * Turns at the node's one thread for expensive requests (searches over the in-memory
 * index), dealt round-robin by client address, at most `concurrency` at once, each started
 * from its own turn of the event loop (setImmediate).
 *
 * Why: a search runs start to finish without yielding. When ten clients each keep one in
 * flight, Node handles the ten sockets that became readable together one after another,
 * so a probe or a renter whose request arrived among them waits for all ten searches. In
 * turns, a readable socket costs only the parsing of its request; the searches then take
 * one loop turn each, with I/O polled between them, so /healthz waits for at most the
 * search in progress, and a renter's search waits for one search per busy address rather
 * than behind everything one address queued.
 */
export class FairTurns {
  private readonly waiting = new Map<string, (() => void)[]>();
  /** Addresses with work waiting, in the order their next turn comes. */
  private readonly ring: string[] = [];
  private running = 0;
  private queued = 0;
  private scheduled = false;

  /**
   * @param concurrency turns held at once: 1 where the work is the thread's own (the
   *   embedded engine), more where it mostly waits on another server (a search cluster)
   * @param maxPerAddress turns one address may have waiting; more are refused
   * @param maxQueued turns waiting in all; more are refused
   */
  constructor(
    private readonly concurrency: number,
    private readonly maxPerAddress = 16,
    private readonly maxQueued = 2_000,
  ) {}

  /**
   * Runs `work` in `address`'s next turn. Resolves to `refused` at once when the address
   * or the node has too much waiting already; the work is then not run.
   */
  async run<T>(address: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false; reason: 'address' | 'node' }> {
    const mine = this.waiting.get(address);
    if ((mine?.length ?? 0) >= this.maxPerAddress) return { ran: false, reason: 'address' };
    if (this.queued >= this.maxQueued) return { ran: false, reason: 'node' };
    await new Promise<void>((start) => {
      if (mine) mine.push(start);
      else {
        this.waiting.set(address, [start]);
        this.ring.push(address);
      }
      this.queued++;
      this.schedule();
    });
    try {
      return { ran: true, value: await work() };
    } finally {
      this.running--;
      this.schedule();
    }
  }

  /**
   * Starts the next turn two turns of the event loop from now: a new connection is
   * accepted in one poll and its request read in the next, so a probe's or a renter's
   * request that arrives during a search is answered before the following one begins.
   */
  private schedule(): void {
    if (this.scheduled || this.running >= this.concurrency || this.queued === 0) return;
    this.scheduled = true;
    setImmediate(() =>
      setImmediate(() => {
        this.scheduled = false;
        this.next();
        this.schedule();
      }),
    );
  }

  /** Starts the first waiting turn of the address whose turn it is. */
  private next(): void {
    if (this.running >= this.concurrency || this.queued === 0) return;
    const address = this.ring.shift()!;
    const queue = this.waiting.get(address)!;
    const start = queue.shift()!;
    if (queue.length > 0) this.ring.push(address);
    else this.waiting.delete(address);
    this.queued--;
    this.running++;
    start();
  }
}
