import type { Bus, BusHandler } from './bus';

/** The bus of a process that is its own cluster: handlers are called in the same tick order. */
export class MemoryBus implements Bus {
  readonly doorbellGapMs = 0;
  readonly name = 'in-process';
  private readonly handlers = new Map<string, Set<BusHandler>>();

  constructor(private readonly node: string) {}

  async publish(channel: string, message: string): Promise<boolean> {
    for (const h of this.handlers.get(channel) ?? []) queueMicrotask(() => h(message));
    return true;
  }

  /** The only node there is: a message for another cannot be sent. */
  async publishTo(node: string, channel: string, message: string): Promise<boolean> {
    return node === this.node ? this.publish(channel, message) : false;
  }

  async subscribe(channel: string, handler: BusHandler): Promise<void> {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
  }

  onReconnect(): void {}

  health() {
    return { ok: true, detail: 'in-process bus' };
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
