import type { Bus } from '../bus/bus';
import { log } from '../log';
import type { LiveConnection } from '../realtime/live-hub';
import type { AccountStore } from './account-store';

export const SESSIONS_ENDED_CHANNEL = 'roost:sessions-ended';
/**
 * How often a node asks the store whether the sessions its sockets were opened with still
 * stand: the safety net under the bus, which may drop a sign-out's message.
 */
const RECHECK_MS = 15_000;
/** Close code for a socket whose session ended (sign-out, another device signed it out, expiry). */
export const SESSION_ENDED_CODE = 4001;

/**
 * Signed-in sockets end with their session: a sign-out on any node closes that session's
 * sockets on every node (a message on the bus, and a recheck against the store every
 * 15 s for a message the bus lost), so a signed-out browser hears nothing more of the
 * account's alerts or messages.
 */
export class SessionSockets {
  private readonly byKey = new Map<string, Set<LiveConnection>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: AccountStore,
    private readonly bus: Bus,
  ) {
    void bus.subscribe(SESSIONS_ENDED_CHANNEL, (message) => {
      try {
        const keys = JSON.parse(message) as unknown;
        if (Array.isArray(keys)) this.close(keys.filter((k): k is string => typeof k === 'string'));
      } catch {
        // not ours
      }
    });
    this.timer = setInterval(() => void this.recheck(), RECHECK_MS);
    this.timer.unref();
  }

  open(conn: LiveConnection): void {
    // Only sockets opened signed in are watched: an anonymous one never had an account's records.
    if (!conn.sessionKey || !conn.signedIn) return;
    let set = this.byKey.get(conn.sessionKey);
    if (!set) this.byKey.set(conn.sessionKey, (set = new Set()));
    set.add(conn);
  }

  forget(conn: LiveConnection): void {
    if (!conn.sessionKey) return;
    const set = this.byKey.get(conn.sessionKey);
    set?.delete(conn);
    if (set?.size === 0) this.byKey.delete(conn.sessionKey);
  }

  /** These sessions ended: their sockets here close now, and every other node is told. */
  async ended(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    this.close(keys);
    await this.bus.publish(SESSIONS_ENDED_CHANNEL, JSON.stringify(keys)).catch(() => false);
  }

  private close(keys: string[]): void {
    for (const key of keys) {
      for (const conn of this.byKey.get(key) ?? []) conn.socket.close(SESSION_ENDED_CODE, 'session ended');
      this.byKey.delete(key);
    }
  }

  private async recheck(): Promise<void> {
    const keys = [...this.byKey.keys()];
    if (keys.length === 0) return;
    try {
      const live = await this.store.liveSessions(keys, Date.now());
      this.close(keys.filter((k) => !live.has(k)));
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not recheck signed-in sockets; next time');
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
