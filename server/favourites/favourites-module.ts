import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlertStore } from '../alerts/alert-store';
import type { Capability } from '../capability';
import { MAX_FAVOURITES, type FavouriteJson } from '../contract/favourites';
import { listingOf, type Listing } from '../core/listing';
import type { StoreEngine } from '../engine/store-engine';
import { ApiError, sendJson } from '../http/api-error';
import { idUnder, pathId } from '../http/query-schemas';
import type { Visitors } from '../sessions/visitors';
import { z } from 'zod';
import { readJson } from '../http/read-body';
import { validated } from '../http/api-error';
import { channelsSchema, checkEmailAllowed, frequencySchema, keepMailLocale } from '../alert-mail/channel-choice';
import { DEFAULT_CHANNELS } from '../contract/alert-channels';
import type { Favourite } from '../alerts/alert-store';

/** `PUT` (optional) and `PATCH` bodies: where the home's alerts go. */
const choiceSchema = z.object({ channels: channelsSchema, frequency: frequencySchema }).partial().strict();

/** The body of a PUT, which may have none (a favourite kept with the page's bell only). */
async function optionalChoice(req: IncomingMessage): Promise<z.output<typeof choiceSchema>> {
  const length = Number(req.headers['content-length'] ?? 0);
  if (!req.headers['content-type'] && length === 0 && req.headers['transfer-encoding'] === undefined) return {};
  return validated(choiceSchema, await readJson(req));
}

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
    const favourites: FavouriteJson[] = kept.map((f, i) => favouriteJson(f, now[i] ?? null));
    sendJson(res, 200, { favourites });
  };
  const favouriteJson = (f: Favourite, current: Listing | null): FavouriteJson => ({
    listing: current ?? listingOf(f.listing),
    savedAt: new Date(f.savedAt).toISOString(),
    priceWhenSaved: f.priceWhenSaved,
    ...(current ? {} : { removed: true as const }),
    channels: f.channels,
    frequency: f.frequency,
  });

  const route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const method = req.method ?? 'GET';
    if (url.pathname === '/api/favourites') {
      if (method !== 'GET' && method !== 'HEAD') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
      await list(req, res);
      return true;
    }
    const raw = idUnder(url.pathname, '/api/favourites/');
    if (raw === null) return false;
    if (method !== 'PUT' && method !== 'DELETE' && method !== 'PATCH') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
    o.visitors.checkOrigin(req);
    const id = pathId(raw);
    if (method === 'PATCH') {
      const choice = validated(choiceSchema.refine((c) => Object.keys(c).length > 0, 'give channels or frequency'), await readJson(req));
      const v = await o.visitors.current(req);
      const kept = v ? (await o.alerts.favouritesOf(v.owner)).find((f) => f.listingId === id) : undefined;
      if (!v || !kept) throw new ApiError('not_found', 'no favourite with that listing id', 'listingId');
      const channels = choice.channels ?? kept.channels;
      checkEmailAllowed(channels, v.accountId);
      const frequency = choice.frequency ?? kept.frequency;
      await o.alerts.setFavouriteChannels(v.owner, id, channels, frequency);
      await keepMailLocale(o.alerts, v.owner, channels, req);
      sendJson(res, 200, favouriteJson({ ...kept, channels, frequency }, await o.engine.get(id)));
      return true;
    }
    if (method === 'DELETE') {
      const v = await o.visitors.current(req);
      if (v) await o.alerts.removeFavourite(v.owner, id);
    } else {
      const choice = await optionalChoice(req);
      const channels = choice.channels ?? [...DEFAULT_CHANNELS.channels];
      const frequency = choice.frequency ?? DEFAULT_CHANNELS.frequency;
      checkEmailAllowed(channels, (await o.visitors.current(req))?.accountId ?? null);
      const v = await o.visitors.ensureStored(req, res);
      // The log's end before the listing is read: a change after it is one the renter saw the home before.
      const since = await o.engine.log.lastSeq();
      const record = await o.engine.store.get(id);
      if (!record) throw new ApiError('not_found', `no listing with id ${id}`, 'listingId');
      if ((await o.alerts.favouriteCount(v.owner)) >= MAX_FAVOURITES) {
        throw new ApiError('conflict', `a renter keeps at most ${MAX_FAVOURITES} favourites; remove one first`);
      }
      // Kept already: the PUT says where its alerts go now (a repeated PUT changes nothing else).
      if (!(await o.alerts.putFavourite(v.owner, { listingId: id, savedAt: Date.now(), priceWhenSaved: record.price, listing: record, since, channels, frequency }))) {
        if (choice.channels || choice.frequency) await o.alerts.setFavouriteChannels(v.owner, id, channels, frequency);
      }
      await keepMailLocale(o.alerts, v.owner, channels, req);
    }
    res.writeHead(204, { 'cache-control': 'no-store' });
    res.end();
    return true;
  };

  return { name: 'favourites', routes: [route] };
}
