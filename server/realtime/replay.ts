import type { LiveConnection } from './live-hub';

/** Most a socket's `resume` replays; older ones are the page's to read over HTTP (the bell's list, a conversation's history). */
export const MAX_REPLAY = 5_000;

/**
 * A socket's `resume`: what it missed after an id, a page at a time, stopping when the socket
 * goes (nothing to read for a reader who left) or MAX_REPLAY have gone. One at a time per
 * socket: a resume asked while one runs is dropped, the one running covers up to the end.
 */
export class Replays {
  private readonly running = new WeakSet<LiveConnection>();

  async run<T extends { id: number }>(conn: LiveConnection, after: number, page: (from: number, limit: number) => Promise<T[]>, send: (items: T[]) => void, limit: number): Promise<boolean> {
    if (this.running.has(conn)) return false;
    this.running.add(conn);
    try {
      let from = after;
      for (let sent = 0; sent < MAX_REPLAY && conn.socket.readyState === conn.socket.OPEN; ) {
        const items = await page(from, Math.min(limit, MAX_REPLAY - sent));
        send(items);
        sent += items.length;
        if (items.length < limit) break;
        from = items[items.length - 1]!.id;
      }
      return true;
    } finally {
      this.running.delete(conn);
    }
  }
}
