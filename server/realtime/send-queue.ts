/**
 * Frames on their way to sockets, sent in order in slices of about a millisecond.
 *
 * A change can reach hundreds of a node's sockets, and on a busy machine a send costs
 * 10–45 µs (a syscall, and often the reader's wakeup preempting us): one change held the
 * node for ~12 ms, and searches that arrived meanwhile waited behind it (search p99 under
 * bench:load). Sliced, a search waits at most a slice. One queue for every change keeps
 * each socket's frames in the order of the changes. `whenSent` lets a writer wait until
 * the backlog ahead of its frames is small, so writers slow down when fan-out cannot keep
 * up instead of the queue growing without end.
 */
export class SendQueue<C, F> {
  private targets: C[] = [];
  private frames: F[] = [];
  private head = 0;
  /** The window being sent: the frames taken from the queue together, grouped by target. */
  private groups: [C, F[]][] = [];
  private group = 0;
  private scheduled = false;
  /** Frames queued and frames sent since the start: a waiter waits for `sent` to pass its mark. */
  private queued = 0;
  private sent = 0;
  private waiters: { mark: number; resolve: () => void }[] = [];

  constructor(
    /** Sends one target its frames, in order (one write for all, where it can). */
    private readonly send: (target: C, frames: F[]) => void,
    /** How long one slice may run before the rest waits for the next turn of the loop. */
    private readonly sliceMs = 1,
    /**
     * Frames taken from the queue at a time and grouped by target. In steady use a window
     * is one change's frames, each to its own socket; behind a backlog it spans many
     * changes, and a socket several of them reach gets all its frames in one write.
     */
    private readonly window = 4096,
  ) {}

  /** Frames queued and not yet sent. */
  get length(): number {
    return this.queued - this.sent;
  }

  /** Queues a frame for a target; `flush` sends. */
  push(target: C, frame: F): void {
    this.targets.push(target);
    this.frames.push(frame);
    this.queued++;
  }

  /** Resolves once every frame queued so far has been sent, but for the last `slack` of them. */
  whenSent(slack = 0): Promise<void> {
    const mark = this.queued - slack;
    if (this.sent >= mark) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ mark, resolve }));
  }

  /** Sends a slice now, unless a slice is already due: the rest goes on later turns. */
  flush(): void {
    if (!this.scheduled) this.drain();
  }

  /**
   * The next window, grouped by target in the order targets first appear; each target's
   * frames keep their order, and windows go out one after another, so every target gets
   * its frames in the order they were queued.
   */
  private takeWindow(): boolean {
    const end = Math.min(this.targets.length, this.head + this.window);
    if (this.head >= end) return false;
    const byTarget = new Map<C, F[]>();
    for (let i = this.head; i < end; i++) {
      const t = this.targets[i]!;
      const list = byTarget.get(t);
      if (list) list.push(this.frames[i]!);
      else byTarget.set(t, [this.frames[i]!]);
    }
    this.groups = [...byTarget];
    this.group = 0;
    this.head = end;
    // Cut off what was taken once it is most of the arrays: behind a backlog that never
    // quite empties they would otherwise only grow.
    if (this.head * 2 >= this.targets.length) {
      this.targets = this.targets.slice(this.head);
      this.frames = this.frames.slice(this.head);
      this.head = 0;
    }
    return true;
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    const until = performance.now() + this.sliceMs;
    let n = 0;
    for (;;) {
      if (this.group >= this.groups.length) {
        this.groups = [];
        this.group = 0;
        if (!this.takeWindow()) break;
      }
      const [target, frames] = this.groups[this.group]!;
      this.groups[this.group] = undefined as unknown as [C, F[]];
      this.group++;
      this.send(target, frames);
      this.sent += frames.length;
      // The clock is read every 16 sends: a send is far cheaper than reading it each time.
      if ((++n & 15) === 0 && performance.now() >= until) break;
    }
    while (this.waiters.length > 0 && this.waiters[0]!.mark <= this.sent) this.waiters.shift()!.resolve();
    if (this.sent < this.queued) {
      this.scheduled = true;
      setImmediate(this.drain);
    }
  };
}
