import type { HostJson } from './contract/host-listings';
import type { SearchEngine } from './engine/search-engine';
import type { MarketOverviews } from './search/market-overview';

/**
 * The one runtime of this process, for Next.js pages. Next bundles pages apart from the
 * custom server, so a module-level singleton would exist twice; the server puts the
 * runtime on globalThis once and pages read it here.
 */
export interface Runtime {
  engine: SearchEngine;
  /** The data's extent, currency and price range, for the first view of the map. */
  overview: MarketOverviews;
  tileUrl: string;
  tileAttribution: string;
  /** A listing's host, for its page (null: nobody hosts it). */
  hostOf(listingId: string): Promise<HostJson | null>;
}

const KEY = Symbol.for('roost.runtime');

export function setRuntime(runtime: Runtime): void {
  (globalThis as Record<symbol, unknown>)[KEY] = runtime;
}

export function getRuntime(): Runtime | null {
  return ((globalThis as Record<symbol, unknown>)[KEY] as Runtime | undefined) ?? null;
}
