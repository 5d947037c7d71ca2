import type { HolderRegistry } from '../alerts/holder-registry';
import { OneAtATime } from '../core/one-at-a-time';
import { log } from '../log';
import type { LiveConnection } from './live-hub';

/** How long a node's claim to hold an owner's sockets lasts unless renewed (renewed at a third of it). */
export const HOLD_TTL_MS = 30_000;
/**
 * Owners renewed per registry call. All of a node's owners in one pipeline (10,000 commands
 * for 3,333 sockets) held the node's event loop and Redis for ~100 ms every ten seconds:
 * the tail of every message's latency (bench:messages). In slices, each awaited, a send
 * waits at most for one slice.
 */
const RENEW_SLICE = 250;

/**
 * The owners (accounts, anonymous sessions) whose sockets this node holds, and the holder
 * registry told of them, so what is for an owner — alerts, messages — is routed to the
 * nodes that can deliver it. One per node, shared by every kind of delivery.
 */
export class HeldSockets {
  private readonly byOwner = new Map<string, Set<LiveConnection>>();
  private readonly renewal: NodeJS.Timeout;

  constructor(
    private readonly registry: HolderRegistry,
    private readonly node: string,
  ) {
    this.renewal = setInterval(() => this.renewals.ask(), HOLD_TTL_MS / 3);
    this.renewal.unref();
  }

  /** One renewal at a time: a slow registry never has two sweeps of every owner in flight. */
  private readonly renewals = new OneAtATime(async () => {
    const owners = [...this.byOwner.keys()];
    for (let i = 0; i < owners.length; i += RENEW_SLICE) {
      await this.registry.hold(this.node, owners.slice(i, i + RENEW_SLICE), HOLD_TTL_MS).catch((err: Error) => log.warn({ err: err.message }, 'could not register held sockets; deliveries reach them by the poll'));
    }
  });

  /** A failed registration costs routing, not delivery: each delivery's poll still finds what is due. */
  private register(owners: string[]): void {
    this.registry.hold(this.node, owners, HOLD_TTL_MS).catch((err: Error) => log.warn({ err: err.message }, 'could not register held sockets; deliveries reach them by the poll'));
  }

  open(conn: LiveConnection): void {
    if (!conn.session) return;
    let set = this.byOwner.get(conn.session);
    if (!set) {
      this.byOwner.set(conn.session, (set = new Set()));
      this.register([conn.session]);
    }
    set.add(conn);
  }

  close(conn: LiveConnection): void {
    if (!conn.session) return;
    const set = this.byOwner.get(conn.session);
    set?.delete(conn);
    if (set?.size === 0) {
      this.byOwner.delete(conn.session);
      this.registry.unhold(this.node, [conn.session]).catch(() => undefined); // lapses by itself
    }
  }

  has(owner: string): boolean {
    return this.byOwner.has(owner);
  }

  of(owner: string): Iterable<LiveConnection> {
    return this.byOwner.get(owner) ?? [];
  }

  /** Hands the registrations back (a node that is killed lets them lapse). */
  async stop(): Promise<void> {
    clearInterval(this.renewal);
    await this.registry.unhold(this.node, [...this.byOwner.keys()]).catch(() => undefined);
  }
}
