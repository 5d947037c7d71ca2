import crypto from 'node:crypto';
import type { Bus } from '../bus/bus';
import type { ChangeNotice, SearchEngine } from '../engine/search-engine';
import { log } from '../log';
import type { ChangeEvent } from './change-event';
import { RecentChanges } from './recent-changes';

export const CHANGES_CHANNEL = 'roost:changes';

/** How far before a bus outage began a replay starts: notices in flight then may be lost too. */
const REPLAY_MARGIN_MS = 2_000;
/** How long a replay keeps trying to publish while the bus is coming back. */
const REPLAY_PATIENCE_MS = 30_000;

/** "Send me again what you changed since": a node whose bus came back, to the others. */
interface ReplayRequest {
  node: string;
  replaySince: number;
}

/**
 * Joins a node's engine to the cluster: after a commit here, a notice on the bus; on a
 * notice from another node, the engine reads what it has not applied. With the embedded
 * engine the shared log is the truth and the notice only a doorbell (a node that missed
 * it reads the log at its next poll, or when the bus reconnects). A cluster engine has no
 * log to read, so its notices carry the change, and each node keeps its own recent changes
 * (RecentChanges): when the bus comes back after an outage, a node sends its own again and
 * asks the others for theirs, from a little before the outage began; the engine drops what
 * it has already applied (by the listing's sequence number).
 */
export class ChangeFeed {
  readonly node = crypto.randomUUID();
  private readonly recent = new RecentChanges();
  /** The replay being sent, and where the next one starts when more asked meanwhile. */
  private replaying = false;
  private replayNext: number | null = null;
  /** Notices of this node's changes published again after bus outages (for /metrics). */
  resent = 0;

  constructor(
    private readonly engine: SearchEngine,
    private readonly bus: Bus,
    /**
     * Whether notices carry the change itself: a cluster engine has no shared log to read
     * it from; over a shared log the notice is a doorbell, and a kilobyte of JSON less a
     * write for every node to parse.
     */
    private readonly carryEvents: boolean,
  ) {}

  async start(): Promise<void> {
    this.engine.onCommit((e) => this.committed(e));
    await this.bus.subscribe(CHANGES_CHANNEL, (message) => {
      let m: ChangeNotice | ReplayRequest;
      try {
        m = JSON.parse(message) as ChangeNotice | ReplayRequest;
      } catch {
        return;
      }
      if (m.node === this.node) return;
      if ('replaySince' in m) {
        if (this.carryEvents) this.replay(m.replaySince);
      } else {
        this.engine.noticeChange(m);
      }
    });
    this.bus.onReconnect((lostAt) => {
      if (!this.carryEvents) {
        this.engine.noticeChange({ node: 'bus', seq: Number.MAX_SAFE_INTEGER });
        return;
      }
      // A notice of ours that failed to go out failed after the loss began (the bus took
      // either connection's loss as the bus's), so this reaches back far enough.
      const since = lostAt - REPLAY_MARGIN_MS;
      // Ours, which the others may have missed; theirs, which we may have missed.
      this.replay(since);
      void this.publishPatiently(JSON.stringify({ node: this.node, replaySince: since } satisfies ReplayRequest));
    });
  }

  /** A change this node committed: the other nodes hear of it now rather than at their next poll. */
  private committed(event: ChangeEvent): void {
    const notice: ChangeNotice = this.carryEvents ? { node: this.node, seq: event.seq, event } : { node: this.node, seq: event.seq };
    const message = JSON.stringify(notice);
    if (this.carryEvents) this.recent.add(Date.now(), message);
    void this.bus.publish(CHANGES_CHANNEL, message).then((sent) => {
      if (sent) return;
      log.debug({ seq: event.seq }, this.carryEvents ? 'bus down: sent again when it is back' : 'bus down: other nodes will read this change at their next poll');
    });
  }

  /**
   * Publishes again this node's notices of changes committed since `since` (epoch ms), in
   * order. After a Redis restart every node asks at once: asks that come while a replay is
   * going out are merged into one more replay after it (from the earliest time asked), not
   * one each. One more is needed: a node that asked after this replay began may have
   * missed its first notices.
   */
  private replay(since: number): void {
    this.replayNext = Math.min(this.replayNext ?? Infinity, since);
    if (this.replaying) return;
    this.replaying = true;
    void (async () => {
      while (this.replayNext !== null) {
        const from = this.replayNext;
        this.replayNext = null;
        await this.resend(from);
      }
    })().finally(() => (this.replaying = false));
  }

  private async resend(since: number): Promise<void> {
    const notices = this.recent.since(since);
    if (notices.length === 0) return;
    log.info({ notices: notices.length, since: new Date(since).toISOString() }, 'sending recent changes again after a bus outage');
    for (const message of notices) {
      if (!(await this.publishPatiently(message))) return;
      this.resent++;
    }
  }

  /** Publishes, retrying while the bus is still coming back; false if it never took it. */
  private async publishPatiently(message: string): Promise<boolean> {
    const until = Date.now() + REPLAY_PATIENCE_MS;
    for (let wait = 50; ; wait = Math.min(wait * 2, 1_000)) {
      if (await this.bus.publish(CHANGES_CHANNEL, message)) return true;
      if (Date.now() > until) {
        log.warn('bus still down: recent changes not sent again; watchers elsewhere see them at their next move');
        return false;
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
