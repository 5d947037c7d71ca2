import type { BusHandler } from './bus';

/** Each channel's handlers on one node: what every bus keeps of its subscriptions. */
export class ChannelHandlers {
  private readonly byChannel = new Map<string, Set<BusHandler>>();

  /** Adds a handler; true when it is the channel's first (the moment a transport subscribes). */
  add(channel: string, handler: BusHandler): boolean {
    const set = this.byChannel.get(channel);
    if (set) {
      set.add(handler);
      return false;
    }
    this.byChannel.set(channel, new Set([handler]));
    return true;
  }

  deliver(channel: string, message: string): void {
    for (const h of this.byChannel.get(channel) ?? []) h(message);
  }

  channels(): string[] {
    return [...this.byChannel.keys()];
  }

  clear(): void {
    this.byChannel.clear();
  }
}
