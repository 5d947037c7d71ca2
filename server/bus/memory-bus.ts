import type { Bus, BusHandler } from './bus';
import { ChannelHandlers } from './channel-handlers';

/** The bus of a process that is its own cluster: handlers are called in the same tick order. */
export class MemoryBus implements Bus {
  readonly doorbellGapMs = 0;
  readonly name = 'in-process';
  private readonly handlers = new ChannelHandlers();

  constructor(private readonly node: string) {}

  async publish(channel: string, message: string): Promise<boolean> {
    queueMicrotask(() => this.handlers.deliver(channel, message));
    return true;
  }

  /** The only node there is: a message for another cannot be sent. */
  async publishTo(node: string, channel: string, message: string): Promise<boolean> {
    return node === this.node ? this.publish(channel, message) : false;
  }

  async subscribe(channel: string, handler: BusHandler): Promise<void> {
    this.handlers.add(channel, handler);
  }

  onReconnect(): void {}

  health() {
    return { ok: true, detail: 'in-process bus' };
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
