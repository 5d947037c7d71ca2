import type { Route } from './http/request-handler';
import type { LiveConnection } from './realtime/live-hub';

/**
 * A capability of the server (accounts, favourites, hosting, photos…) as one module: it is
 * handed the shared parts it needs and gives back its routes, its socket hooks and how it
 * stops. The app server is the list of them (app-server.ts); adding a capability adds one
 * line there, removing it removes one.
 */
export interface Capability {
  readonly name: string;
  /** Tried in order after the probes and before the pages; the first that takes a request answers it. */
  routes: Route[];
  onSocketOpen?(conn: LiveConnection): void;
  onSocketClose?(conn: LiveConnection): void;
  /** Finishes what is in hand (a mail being sent), then lets go of timers and subscriptions. */
  stop?(): Promise<void>;
}
