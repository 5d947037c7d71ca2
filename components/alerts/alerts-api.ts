import type { Listing } from '@/server/core/listing';
import type { AlertChannel, EmailFrequency, EmailNote } from '@/server/contract/alert-channels';
import type { FiltersJson } from '@/server/contract/filters';

export type AlertReason = 'new' | 'price_drop' | 'removed';
export const ALERT_REASONS: AlertReason[] = ['new', 'price_drop', 'removed'];

export interface SavedSearchJson {
  id: string;
  name: string;
  bbox?: [number, number, number, number];
  polygon?: [number, number][];
  filters: FiltersJson;
  notify: AlertReason[];
  paused: boolean;
  createdAt: string;
  /** Where its alerts go (CONTRACT.md "Alert channels"); absent from a server without channels: the page only. */
  channels?: AlertChannel[];
  frequency?: EmailFrequency;
  /** Why the email is not what was asked (a search too wide for instant mail). */
  emailNote?: EmailNote;
}

export interface AlertJson {
  id: number;
  /** The saved search that alerted; absent when a favourite did. */
  searchId?: string;
  /** The favourite (the home's id) that alerted. */
  favourite?: string;
  reason: AlertReason;
  listing: Listing;
  /** A price drop's price before it. */
  previousPrice?: number;
  at?: string;
}

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  }
  return (await res.json()) as T;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** The saved-search and alert API, same origin, the session cookie riding along. */
export const alertsApi = {
  searches: () => fetch('/api/saved-searches').then((r) => json<{ savedSearches: SavedSearchJson[] }>(r)).then((b) => b.savedSearches),
  create: (body: Omit<SavedSearchJson, 'id' | 'paused' | 'createdAt' | 'emailNote'>) =>
    fetch('/api/saved-searches', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) }).then((r) => json<SavedSearchJson>(r)),
  update: (id: string, patch: Partial<Pick<SavedSearchJson, 'name' | 'paused' | 'notify' | 'channels' | 'frequency'>>) =>
    fetch(`/api/saved-searches/${encodeURIComponent(id)}`, { method: 'PATCH', headers: JSON_HEADERS, body: JSON.stringify(patch) }).then((r) => json<SavedSearchJson>(r)),
  remove: async (id: string) => {
    const res = await fetch(`/api/saved-searches/${encodeURIComponent(id)}`, { method: 'DELETE' });
    if (!res.ok && res.status !== 404) throw new Error(`HTTP ${res.status}`);
  },
  alerts: (after: number) => fetch(`/api/alerts?after=${after}`).then((r) => json<{ alerts: AlertJson[] }>(r)).then((b) => b.alerts),
};
