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
    /** This node's delivery, told now (with the ring's payload). */
    private readonly deliverHere: (payload: string) => void,
  ) {}

  /** Where these owners' sockets are held, asked ahead of a ring (a failure is the ring's to handle). */
  holdersOf(sessions: string[]): Promise<Map<string, string[]>> {
    const asked = this.registry.holders(sessions);
    asked.catch(() => undefined);
    return asked;
  }

  /**
   * `payload`: what the holders' deliveries are told; '1' means "read the store". A
   * delivery may carry what it is about (messages) so a holder need not read it back.
   */
  async ring(sessions: string[], payload = '1', holders = this.holdersOf(sessions)): Promise<void> {
    let nodes: Set<string>;
    try {
      nodes = new Set([...(await holders).values()].flat());
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'holder registry unreadable; ringing every node');
      this.deliverHere(payload);
      await this.bus.publish(this.channel, payload);
      return;
    }
    for (const node of nodes) {
      if (node === this.node) this.deliverHere(payload);
      else void this.bus.publishTo(node, this.channel, payload);
    }
  }
}
