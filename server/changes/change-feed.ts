import crypto from 'node:crypto';
import type { Bus } from '../bus/bus';
import type { ChangeNotice, SearchEngine } from '../engine/search-engine';
import { log } from '../log';
import type { ChangeEvent } from './change-event';

export const CHANGES_CHANNEL = 'roost:changes';

/**
 * Joins a node's engine to the cluster: after a commit here, a notice on the bus; on a
 * notice from another node, the engine reads what it has not applied. With the embedded
 * engine the shared log is the truth and the notice only a doorbell (a node that missed
 * it reads the log at its next poll, or when the bus reconnects); a cluster engine takes
 * the event the notice carries.
 */
export class ChangeFeed {
  readonly node = crypto.randomUUID();

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
      let notice: ChangeNotice;
      try {
        notice = JSON.parse(message) as ChangeNotice;
      } catch {
        return;
      }
      if (notice.node !== this.node) this.engine.noticeChange(notice);
    });
    this.bus.onReconnect(() => this.engine.noticeChange({ node: 'bus', seq: Number.MAX_SAFE_INTEGER }));
  }

  /** A change this node committed: the other nodes hear of it now rather than at their next poll. */
  private committed(event: ChangeEvent): void {
    const notice: ChangeNotice = this.carryEvents ? { node: this.node, seq: event.seq, event } : { node: this.node, seq: event.seq };
    void this.bus.publish(CHANGES_CHANNEL, JSON.stringify(notice)).then((sent) => {
      if (!sent) log.debug({ seq: event.seq }, 'bus down: other nodes will read this change at their next poll');
    });
  }
}
