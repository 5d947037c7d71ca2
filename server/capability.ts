import type { Route } from './http/request-handler';
import type { LiveConnection } from './realtime/live-hub';
import type { CapabilityFrame } from './realtime/protocol';

/** A capability's answers to socket frames, by type. */
export type FrameHandlers = { [T in CapabilityFrame['type']]?: (conn: LiveConnection, frame: Extract<CapabilityFrame, { type: T }>) => void };

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
  /** Frames of its own (each type owned by one capability). */
  frames?: FrameHandlers;
  /** A socket's `resume`: what it missed of this capability (messages after `messagesAfter`). */
  onResume?(conn: LiveConnection, messagesAfter: number | undefined): void;
  /** Gets ready before the server takes requests (reads where its log ends). */
  start?(): Promise<void>;
  /** Finishes what is in hand (a mail being sent), then lets go of timers and subscriptions. */
  stop?(): Promise<void>;
}
