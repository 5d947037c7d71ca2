import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlertStore } from '../alerts/alert-store';
import type { Capability } from '../capability';
import { MAX_FAVOURITES, type FavouriteJson } from '../contract/favourites';
import { listingOf } from '../core/listing';
import type { StoreEngine } from '../engine/store-engine';
import { ApiError, sendJson } from '../http/api-error';
import { idUnder, pathId } from '../http/query-schemas';
import type { Visitors } from '../sessions/visitors';

export interface FavouritesOptions {
  alerts: AlertStore;
  engine: StoreEngine;
  visitors: Visitors;
}

/**
 * Favourites (CONTRACT.md "Favourites"): homes by id, kept by the renter's session or
 * account, apart from saved searches. Each alerts on its own home's price drop and removal
 * (the matcher reads them by listing id), never another home at the same address.
 */
export function favouritesModule(o: FavouritesOptions): Capability {
  const list = async (req: IncomingMessage, res: ServerResponse) => {
    const v = await o.visitors.current(req);
    const kept = v ? await o.alerts.favouritesOf(v.owner) : [];
    const now = await Promise.all(kept.map((f) => o.engine.get(f.listingId)));
    const favourites: FavouriteJson[] = kept.map((f, i) => {
      const current = now[i];
      return {
        listing: current ?? listingOf(f.listing),
        savedAt: new Date(f.savedAt).toISOString(),
        priceWhenSaved: f.priceWhenSaved,
        ...(current ? {} : { removed: true as const }),
      };
    });
    sendJson(res, 200, { favourites });
  };

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const method = req.method ?? 'GET';
    if (url.pathname === '/api/favourites') {
      if (method !== 'GET' && method !== 'HEAD') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
      await list(req, res);
      return true;
    }
    const raw = idUnder(url.pathname, '/api/favourites/');
    if (raw === null) return false;
    if (method !== 'PUT' && method !== 'DELETE') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
    o.visitors.checkOrigin(req);
    const id = pathId(raw);
    if (method === 'DELETE') {
      const v = await o.visitors.current(req);
      if (v) await o.alerts.removeFavourite(v.owner, id);
    } else {
      const v = await o.visitors.ensureStored(req, res);
      // The log's end before the listing is read: a change after it is one the renter saw the home before.
      const since = await o.engine.log.lastSeq();
      const record = await o.engine.store.get(id);
      if (!record) throw new ApiError('not_found', `no listing with id ${id}`, 'listingId');
      if ((await o.alerts.favouriteCount(v.owner)) >= MAX_FAVOURITES) {
        throw new ApiError('conflict', `a renter keeps at most ${MAX_FAVOURITES} favourites; remove one first`);
      }
      await o.alerts.putFavourite(v.owner, { listingId: id, savedAt: Date.now(), priceWhenSaved: record.price, listing: record, since });
    }
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
    return true;
  };

  return { name: 'favourites', routes: [route] };
}
