import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { ALERT_REASONS, type Alert, type AlertStore, type SavedSearch } from '../alerts/alert-store';
import { alertSource } from '../alerts/alert-delivery';
import { listingOf } from '../core/listing';
import { normalizeRing } from '../core/polygon';
import { visibleText } from '../core/visible-text';
import type { SearchEngine } from '../engine/search-engine';
import { bboxSchema, filtersJson, filtersSchema } from '../contract/filters';
import type { Took } from '../ops/rate-limit';
import type { Visitors } from '../sessions/visitors';
import { ApiError, sendJson, validated, withinBudget } from './api-error';
import { idUnder, pathId } from './query-schemas';
import { readJson } from './read-body';
import { channelsSchema, checkEmailAllowed, emailPlan, frequencySchema, keepMailLocale } from '../alert-mail/channel-choice';
import { DEFAULT_CHANNELS } from '../contract/alert-channels';

export interface SavedSearchContext {
  engine: SearchEngine;
  alerts: AlertStore;
  visitors: Visitors;
  /** Most saved searches one renter (session or account) may keep. */
  maxPerSession: number;
  /** Spends one of the client address's saved searches of the day (RATE_SAVED_SEARCHES_PER_DAY). */
  newSearch(req: IncomingMessage): Promise<Took>;
}

const MAX_NAME = 100;
const MAX_ALERTS_PAGE = 500;

const polygonSchema = z
  .array(z.tuple([z.number(), z.number()]))
  .min(3)
  .transform((points, ctx) => {
    const ring = normalizeRing(points);
    if (typeof ring === 'string') {
      ctx.addIssue({ code: 'custom', message: ring });
      return z.NEVER;
    }
    return ring;
  });

const notifySchema = z.array(z.enum(ALERT_REASONS)).min(1).max(3).transform((r) => [...new Set(r)]);

const createSchema = z
  .object({
    name: visibleText().trim().min(1).max(MAX_NAME),
    bbox: bboxSchema.optional(),
    polygon: polygonSchema.optional(),
    filters: filtersSchema.default({}),
    notify: notifySchema.default([...ALERT_REASONS]),
    channels: channelsSchema.default([...DEFAULT_CHANNELS.channels]),
    frequency: frequencySchema.default(DEFAULT_CHANNELS.frequency),
  })
  .strict()
  .superRefine((b, ctx) => {
    if ((b.bbox === undefined) === (b.polygon === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['bbox'], message: 'give the area as bbox or polygon, one of the two' });
    }
  });

const patchSchema = z
  .object({ name: visibleText().trim().min(1).max(MAX_NAME), paused: z.boolean(), notify: notifySchema, channels: channelsSchema, frequency: frequencySchema })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'give name, paused, notify, channels or frequency');

const afterParam = z.string().regex(/^\d+$/, 'must be a non-negative integer').transform(Number);

function searchJson(s: SavedSearch) {
  return {
    id: s.id,
    name: s.name,
    ...('bbox' in s.area ? { bbox: s.area.bbox } : { polygon: s.area.polygon }),
    filters: filtersJson(s.filters),
    notify: s.notify,
    paused: s.paused,
    createdAt: new Date(s.createdAt).toISOString(),
    channels: s.channels,
    frequency: s.frequency,
    ...(s.emailNote ? { emailNote: s.emailNote } : {}),
  };
}

export function alertJson(a: Alert) {
  return {
    id: a.id,
    ...alertSource(a),
    reason: a.reason,
    listing: listingOf(a.listing),
    ...(a.previousPrice !== undefined ? { previousPrice: a.previousPrice } : {}),
    at: new Date(a.at).toISOString(),
  };
}

/**
 * Whose searches these are: the signed-in account, or the anonymous session (a cookie is
 * issued to a visitor without one; one that fails its signature is refused, never replaced
 * here). A write comes only from our own pages, and starts the session's row.
 */
async function owner(ctx: SavedSearchContext, req: IncomingMessage, res: ServerResponse): Promise<string> {
  return (await visitor(ctx, req, res)).owner;
}

async function visitor(ctx: SavedSearchContext, req: IncomingMessage, res: ServerResponse): Promise<{ owner: string; accountId: string | null }> {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return ctx.visitors.ensure(req, res);
  ctx.visitors.checkOrigin(req);
  return ctx.visitors.ensureStored(req, res);
}

/**
 * Saved searches and alerts (CONTRACT.md), each owned by the renter's account or anonymous
 * session: another's search is "not found", so nobody learns which ids exist.
 */
export async function handleSavedSearches(ctx: SavedSearchContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
  const { pathname } = url;
  const method = req.method ?? 'GET';
  if (pathname === '/api/alerts') {
    if (method !== 'GET') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
    const sid = await owner(ctx, req, res);
    const raw = url.searchParams.get('after') ?? '0';
    const after = afterParam.safeParse(raw);
    if (!after.success) throw new ApiError('bad_request', `after: ${after.error.issues[0]!.message}`, 'after');
    sendJson(res, 200, { alerts: (await ctx.alerts.alertsOf(sid, after.data, MAX_ALERTS_PAGE)).map(alertJson) });
    return true;
  }
  if (pathname === '/api/saved-searches') {
    const who = await visitor(ctx, req, res);
    const sid = who.owner;
    if (method === 'GET') {
      sendJson(res, 200, { savedSearches: (await ctx.alerts.searchesOf(sid)).map(searchJson) });
      return true;
    }
    if (method !== 'POST') throw new ApiError('method_not_allowed', `${method} is not allowed here`);
    const body = validated(createSchema, await readJson(req));
    checkEmailAllowed(body.channels, who.accountId);
    // Per address as well as per renter: new anonymous sessions are cheap, and each search costs every change a match.
    withinBudget(await ctx.newSearch(req), res, 'saved searches from this address today');
    if ((await ctx.alerts.countOf(sid)) >= ctx.maxPerSession) {
      throw new ApiError('conflict', `a renter keeps at most ${ctx.maxPerSession} saved searches; delete one first`);
    }
    const area = body.bbox ? { bbox: body.bbox } : { polygon: body.polygon! };
    const search: SavedSearch = {
      id: `s-${crypto.randomBytes(9).toString('base64url')}`,
      name: body.name,
      area,
      filters: body.filters,
      notify: body.notify,
      paused: false,
      createdAt: Date.now(),
      since: await ctx.engine.log.lastSeq(),
      channels: body.channels,
      ...(await emailPlan(ctx.engine, area, body.filters, body.channels, body.frequency)),
    };
    await keepMailLocale(ctx.alerts, sid, search.channels, req);
    // The matcher's copy first: a search it holds without an owner row matches nobody.
    await ctx.engine.putSearch({ id: search.id, area: search.area, filters: search.filters });
    await ctx.alerts.createSearch(sid, search);
    sendJson(res, 201, searchJson(search));
    return true;
  }
  const raw = idUnder(pathname, '/api/saved-searches/');
  if (raw !== null) {
    const who = await visitor(ctx, req, res);
    const sid = who.owner;
    const id = pathId(raw);
    const current = await ctx.alerts.searchOf(sid, id);
    if (!current) throw new ApiError('not_found', 'no saved search with that id', 'id');
    if (method === 'DELETE') {
      await ctx.alerts.deleteSearch(sid, id);
      await ctx.engine.removeSearch(id);
      res.writeHead(204, { 'cache-control': 'no-store' });
      res.end();
      return true;
    }
    if (method === 'PATCH') {
      const p = validated(patchSchema, await readJson(req));
      if (p.channels) checkEmailAllowed(p.channels, who.accountId);
      // Channels or frequency asked again: the plan is made again (the note with it); otherwise kept.
      const { emailNote: _was, ...rest } = current;
      const asked = { ...rest, ...p };
      const next: SavedSearch =
        p.channels === undefined && p.frequency === undefined
          ? { ...current, ...p }
          : { ...asked, ...(await emailPlan(ctx.engine, asked.area, asked.filters, asked.channels, asked.frequency)) };
      await keepMailLocale(ctx.alerts, sid, next.channels, req);
      await ctx.alerts.updateSearch(sid, next);
      sendJson(res, 200, searchJson(next));
      return true;
    }
    throw new ApiError('method_not_allowed', `${method} is not allowed here`);
  }
  return false;
}
