/**
 * Which node holds each renter's sockets, so an alert's doorbell travels only to the
 * nodes that can deliver it (the routed design) instead of to every node. Each node
 * registers the sessions it holds with a time to live it renews; a node that dies stops
 * renewing and its registrations lapse. A registration is a hint, never the truth: one
 * that is stale costs a doorbell to a node that delivers nothing, and the renter's node
 * finds the alert in the inbox at its next poll (or on `resume`), so no alert is lost.
 * In Redis when the cluster has it; in the store (SQLite | PostgreSQL) otherwise.
 */
export interface HolderRegistry {
  /** This node holds these sessions' sockets, for `ttlMs` unless renewed. */
  hold(node: string, sessions: string[], ttlMs: number): Promise<void>;
  /** This node no longer holds these sessions' sockets. */
  unhold(node: string, sessions: string[]): Promise<void>;
  /** The nodes holding each of the sessions now; sessions nobody holds are left out. */
  holders(sessions: string[]): Promise<Map<string, string[]>>;
}
