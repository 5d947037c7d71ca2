import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccountStore } from '../accounts/account-store';
import type { Capability } from '../capability';
import type { HostJson } from '../contract/host-listings';
import type { StoreEngine } from '../engine/store-engine';
import { ApiError, sendJson, withinBudget } from '../http/api-error';
import type { Writer } from '../http/write-routes';
import type { Limiter } from '../ops/rate-limit';
import type { Visitors } from '../sessions/visitors';

export interface HostingOptions {
  accounts: AccountStore;
  engine: StoreEngine;
  visitors: Visitors;
  /** host_listings: new listings one account may make (RATE_HOST_LISTINGS_PER_DAY). */
  limits: Limiter<'host_listings'>;
}

export interface Hosting extends Capability {
  /** For the write API: a signed-in host writing from our pages, on their own listing only. */
  sessionWriter(req: IncomingMessage, id: string | null): Promise<Writer | null>;
  linkHost(listingId: string, accountId: string): Promise<void>;
  /**
   * A host's new listing within their day's budget, else 429: each is on every visitor's
   * map, in the index and matched against every saved search, and the write limit alone let
   * one account make about 1.7 million a day.
   */
  spendNewListing(accountId: string, res: ServerResponse): Promise<void>;
  /** The listing's host as the contract names it, or null for a listing nobody hosts (imported, the demo). */
  hostOf(listingId: string): Promise<HostJson | null>;
}

/**
 * Hosts (CONTRACT.md "Host listings and photos"): any signed-in account lists homes of its
 * own through the same write API the operator's token uses; a listing names its host; only
 * its host (or the token) changes it. The link lives with the accounts, not in the
 * listing record, so the search index and its columns are untouched by it.
 */
export function hostingModule(o: HostingOptions): Hosting {
  const hostOf = async (listingId: string): Promise<HostJson | null> => {
    const accountId = (await o.accounts.hostsOf([listingId])).get(listingId);
    if (!accountId) return null;
    const account = await o.accounts.account(accountId);
    return account ? { id: account.id, name: account.name } : null;
  };

  const sessionWriter = async (req: IncomingMessage, id: string | null): Promise<Writer | null> => {
    const v = await o.visitors.current(req);
    if (!v?.accountId) return null;
    o.visitors.checkOrigin(req);
    if (id !== null) {
      const host = (await o.accounts.hostsOf([id])).get(id);
      if (host !== v.accountId && (await o.engine.store.get(id)) !== null) throw new ApiError('forbidden', 'this listing is not yours to change', 'id');
    }
    return { kind: 'host', accountId: v.accountId };
  };

  const myListings = async (req: IncomingMessage, res: ServerResponse) => {
    const v = await o.visitors.signedIn(req);
    const ids = await o.accounts.listingsHostedBy(v.accountId);
    const listings = (await Promise.all(ids.map((id) => o.engine.get(id)))).filter((l) => l !== null);
    sendJson(res, 200, { listings });
  };

  return {
    name: 'hosting',
    sessionWriter,
    linkHost: (listingId, accountId) => o.accounts.linkHost(listingId, accountId),
    async spendNewListing(accountId, res) {
      withinBudget(await o.limits.take('host_listings', accountId), res, 'new listings today');
    },
    hostOf,
    routes: [
      async (req, res, url) => {
        if (url.pathname !== '/api/me/listings') return false;
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError('method_not_allowed', `${req.method} is not allowed here`);
        await myListings(req, res);
        return true;
      },
    ],
  };
}
