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
  private frames: (F | undefined)[] = [];
  private head = 0;
  private scheduled = false;
  /** Frames queued and frames sent since the start: a waiter waits for `sent` to pass its mark. */
  private queued = 0;
  private sent = 0;
  private waiters: { mark: number; resolve: () => void }[] = [];

  constructor(
    /** Sends one frame to one target. */
    private readonly send: (target: C, frame: F) => void,
    /** How long one slice may run before the rest waits for the next turn of the loop. */
    private readonly sliceMs = 1,
  ) {}

  /** Frames waiting (for /metrics and tests). */
  get length(): number {
    return this.targets.length - this.head;
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

  private readonly drain = (): void => {
    this.scheduled = false;
    const until = performance.now() + this.sliceMs;
    const from = this.head;
    let i = this.head;
    const end = this.targets.length;
    while (i < end) {
      this.send(this.targets[i]!, this.frames[i]!);
      this.targets[i] = undefined as C;
      this.frames[i] = undefined;
      i++;
      // The clock is read every 16 sends: a send is far cheaper than reading it each time.
      if ((i & 15) === 0 && performance.now() >= until) break;
    }
    this.sent += i - from;
    while (this.waiters.length > 0 && this.waiters[0]!.mark <= this.sent) this.waiters.shift()!.resolve();
    if (i >= this.targets.length) {
      this.targets = [];
      this.frames = [];
      this.head = 0;
      return;
    }
    this.head = i;
    this.scheduled = true;
    setImmediate(this.drain);
  };
}
