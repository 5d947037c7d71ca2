import type { Bus } from '../bus/bus';
import { log } from '../log';
import { ALERTS_CHANNEL } from './alert-delivery';
import type { HolderRegistry } from './holder-registry';

/**
 * Rings the alert doorbell only where it can be answered: the nodes the registry says
 * hold the renters a batch of alerts is for (this node's own delivery directly, others
 * on the bus addressed to them), so a cluster of N nodes spends one bus message per
 * holding node, not N. Renters nobody holds (offline) need no doorbell: the inbox keeps
 * their alerts for `resume`. A registry that cannot answer rings every node instead.
 */
export class AlertRouter {
  constructor(
    private readonly registry: HolderRegistry,
    private readonly bus: Bus,
    private readonly node: string,
    /** This node's delivery, read now. */
    private readonly deliverHere: () => void,
  ) {}

  async ring(sessions: string[]): Promise<void> {
    let nodes: Set<string>;
    try {
      nodes = new Set([...(await this.registry.holders(sessions)).values()].flat());
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'holder registry unreadable; ringing every node');
      this.deliverHere();
      await this.bus.publish(ALERTS_CHANNEL, '1');
      return;
    }
    for (const node of nodes) {
      if (node === this.node) this.deliverHere();
      else void this.bus.publishTo(node, ALERTS_CHANNEL, '1');
    }
  }
}
