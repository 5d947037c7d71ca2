import type { Bus } from '../bus/bus';
import { listingOf, type ListingRecord } from '../core/listing';
import type { LiveConnection } from '../realtime/live-hub';
import { OneAtATime } from '../core/one-at-a-time';
import { PreparedFrame } from '../realtime/prepared-frame';
import { Replays } from '../realtime/replay';
import { FAVOURITE_SOURCE, type Alert, type AlertStore } from './alert-store';
import type { HeldSockets } from '../realtime/held-sockets';

export const ALERTS_CHANNEL = 'roost:alerts';
/** How often a node reads new alerts without a doorbell (the bus may be down). */
const POLL_MS = 100;
const PAGE = 1_000;
export { HOLD_TTL_MS } from '../realtime/held-sockets';

/**
 * A listing's public JSON, once per listing object: a delivery page parses each listing
 * once (alert-listings.ts) and shares it among the hundreds of alerts that show it.
 */
const listingJson = new WeakMap<ListingRecord, string>();

/** What raised an alert, as the contract names it: `searchId`, or `favourite` (the home's id). */
export function alertSource(a: Pick<Alert, 'searchId' | 'listing'>): { searchId: string } | { favourite: string } {
  return a.searchId === FAVOURITE_SOURCE ? { favourite: a.listing.id } : { searchId: a.searchId };
}

/** The alert frame (CONTRACT.md); the same text JSON.stringify would give, the listing serialised once. */
export function alertFrame(a: Alert): string {
  let listing = listingJson.get(a.listing);
  if (listing === undefined) listingJson.set(a.listing, (listing = JSON.stringify(listingOf(a.listing))));
  const head = JSON.stringify({ type: 'alert', id: a.id, ...alertSource(a), reason: a.reason });
  return `${head.slice(0, -1)},"listing":${listing}${a.previousPrice !== undefined ? `,"previousPrice":${JSON.stringify(a.previousPrice)}` : ''}}`;
}

/**
 * Alerts to the sockets this node holds. The inbox (the alerts table) is the truth: the
 * node reads it in id order after a doorbell or at each poll and pushes each alert to its
 * owner's sockets here; a socket that reconnects sends `resume` with the last id it saw
 * and gets the rest from the inbox before new ones. At least once: a client drops ids it
 * has seen.
 */
export class AlertDelivery {
  /** Alerts read up to here; -1 until the first read says where the inbox ends. */
  private last = -1;
  /** Reads one at a time, so each alert is read once per node. */
  private readonly reads = new OneAtATime(() => this.read());
  /** The last alert id each socket was sent. */
  private readonly cursor = new WeakMap<LiveConnection, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly replays = new Replays();
  /** Alerts handed to sockets (for /metrics). */
  delivered = 0;
  /** Socket writes those took (for /metrics): fewer than alerts when a renter had several in a page. */
  writes = 0;

  constructor(
    private readonly store: AlertStore,
    bus: Bus,
    /** The owners whose sockets this node holds (and has told the holder registry of). */
    private readonly held: HeldSockets,
    /** Told how long each alert written to a socket waited since it was committed (for /metrics). */
    private readonly onDelivered: (waitedMs: number) => void = () => undefined,
  ) {
    void bus.subscribe(ALERTS_CHANNEL, () => this.pump());
    this.timer = setInterval(() => this.pump(), POLL_MS);
    this.timer.unref();
  }

  /** A socket opened (and is held): without a resume, it hears of alerts from now on. */
  open(conn: LiveConnection): void {
    if (conn.session) this.cursor.set(conn, this.last);
  }

  /** Where the inbox ends now: a node that starts hears of alerts from here on. */
  async start(): Promise<void> {
    this.last = await this.store.lastAlertId();
  }

  /** Replays the session's alerts after `after` from the inbox, then goes on live. */
  async resume(conn: LiveConnection, after: number): Promise<void> {
    if (!conn.session) return;
    const owner = conn.session;
    const ran = await this.replays.run(conn, after, (from, n) => this.store.alertsOf(owner, from, n), (page) => this.sendAll(conn, page), PAGE);
    // Everything up to the pump's place is in the inbox, so the replay covered it.
    if (ran) this.cursor.set(conn, Math.max(this.cursor.get(conn) ?? 0, this.last));
  }

  /** Reads alerts committed since the last read and pushes each to its owner's sockets here. */
  pump(): void {
    this.reads.ask();
  }

  private async read(): Promise<void> {
    if (this.last < 0) return;
    for (;;) {
      const page = await this.store.alertsAfter(this.last, PAGE, (session) => this.held.has(session));
      // Each socket's alerts of the page together, in id order: one write for them all.
      const due = new Map<LiveConnection, Alert[]>();
      for (const a of page.alerts) {
        for (const conn of this.held.of(a.session)) {
          if (a.id <= (this.cursor.get(conn) ?? 0)) continue;
          const list = due.get(conn);
          if (list) list.push(a);
          else due.set(conn, [a]);
        }
      }
      for (const [conn, alerts] of due) this.sendAll(conn, alerts);
      this.last = page.last;
      if (page.read < PAGE) return;
    }
  }

  /**
   * A socket's alerts, in id order, each its own frame (CONTRACT.md) and all in one write:
   * a send is a system call (85 µs a frame on this VM under bench:alerts, most of a node's
   * delivery time), and behind a busy matcher a page holds several alerts for one renter.
   */
  private sendAll(conn: LiveConnection, alerts: Alert[]): void {
    if (alerts.length === 0) return;
    if (conn.sendAll(alerts.map((a) => new PreparedFrame(alertFrame(a))))) {
      this.delivered += alerts.length;
      this.writes++;
      const now = Date.now();
      for (const a of alerts) this.onDelivered(now - a.at);
    }
    this.cursor.set(conn, Math.max(alerts[alerts.length - 1]!.id, this.cursor.get(conn) ?? 0));
  }

  /** Stops reading. */
  stop(): void {
    clearInterval(this.timer);
  }
}
