import type { Bus } from '../bus/bus';
import { log } from '../log';
import type { HolderRegistry } from '../alerts/holder-registry';

/**
 * Rings a delivery's doorbell (alerts, messages) only where it can be answered: the nodes
 * the registry says hold the owners something is for (this node's own delivery directly,
 * others on the bus addressed to them), so a cluster of N nodes spends one bus message per
 * holding node, not N. Owners nobody holds (offline) need no doorbell: the store keeps
 * what is theirs for `resume`. A registry that cannot answer rings every node instead.
 */
export class DoorbellRouter {
  constructor(
    private readonly registry: HolderRegistry,
    private readonly bus: Bus,
    /** The delivery's channel: alerts', messages'. */
    private readonly channel: string,
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
      await this.bus.publish(this.channel, '1');
      return;
    }
    for (const node of nodes) {
      if (node === this.node) this.deliverHere();
      else void this.bus.publishTo(node, this.channel, '1');
    }
  }
}
