/** A listing's host as the contract shows it (CONTRACT.md "Host listings and photos"). */
export interface HostJson {
  id: string;
  name: string;
}
