/** A listing's host as the contract shows it (CONTRACT.md "Host listings and photos"). */
export interface HostJson {
  id: string;
  name: string;
  /** How soon they usually answer a renter (the median of their latest conversations), once there is enough to say. */
  usuallyRepliesInMs?: number;
}
