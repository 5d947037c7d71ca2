import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { ALERT_CHANNELS, EMAIL_FREQUENCIES, type AlertChannel, type EmailFrequency, type EmailNote } from '../contract/alert-channels';
import type { Filters, SearchArea, SearchEngine } from '../engine/search-engine';
import type { AlertStore } from '../alerts/alert-store';
import { ApiError } from '../http/api-error';
import { requestLocale } from '../http/request-locale';

/** `channels` as the API takes it: one to three of page, email, push, each once. */
export const channelsSchema = z.array(z.enum(ALERT_CHANNELS)).min(1).max(3).transform((c) => [...new Set(c)]);
export const frequencySchema = z.enum(EMAIL_FREQUENCIES);

/**
 * Homes a search may match now and still mail each change: past this, a busy minute would
 * flood the inbox (issue 29: one city-wide search gave 255 alerts in 25 s), so its mail
 * goes in the daily digest and the search says why (emailNote 'too_wide').
 */
export const TOO_WIDE_HOMES = 200;

/** Email needs a signed-in account (its address verified by the sign-in link): 422 naming `channels` otherwise. */
export function checkEmailAllowed(channels: AlertChannel[], accountId: string | null): void {
  if (channels.includes('email') && !accountId) {
    throw new ApiError('unprocessable', 'email alerts need a signed-in account: sign in first, or choose page or push', 'channels');
  }
}

function areaBbox(area: SearchArea): [number, number, number, number] {
  if ('bbox' in area) return area.bbox;
  const lons = area.polygon.map((p) => p[0]);
  const lats = area.polygon.map((p) => p[1]);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}

/** How many homes the search matches now (the engine's count of its list). */
export async function matchingNow(engine: SearchEngine, area: SearchArea, filters: Filters): Promise<number> {
  const page = await engine.list({ bbox: areaBbox(area), filters, ...('polygon' in area ? { polygon: area.polygon } : {}), sort: 'newest', limit: 1 });
  return page.total;
}

/**
 * What a search's email will be: instant as asked, unless it matches more than
 * TOO_WIDE_HOMES now — then the digest, and the note that says so.
 */
export async function emailPlan(
  engine: SearchEngine,
  area: SearchArea,
  filters: Filters,
  channels: AlertChannel[],
  frequency: EmailFrequency,
): Promise<{ frequency: EmailFrequency; emailNote?: EmailNote }> {
  if (!channels.includes('email') || frequency === 'daily') return { frequency };
  if ((await matchingNow(engine, area, filters)) > TOO_WIDE_HOMES) return { frequency: 'daily', emailNote: 'too_wide' };
  return { frequency };
}

/** Keeps the language the owner's alert mails are written in: the page's choice, else the browser's. */
export async function keepMailLocale(store: AlertStore, owner: string, channels: AlertChannel[], req: IncomingMessage): Promise<void> {
  if (channels.includes('email')) await store.setMailLocale(owner, requestLocale(req));
}
