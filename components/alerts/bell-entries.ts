import type { AlertJson } from './alerts-api';

/** One line of the bell: a home and one change of it, however many searches or favourites told of it. */
export interface BellEntry {
  key: string;
  /** The newest alert of the change: its id orders the bell and decides unread. */
  alert: AlertJson;
  searchIds: string[];
  favourite: boolean;
}

/**
 * The bell's lines from the alerts, newest first: repeats of one home's change (a price
 * drop heard through a favourite and a search, at one new price) are one line.
 */
export function bellEntries(alerts: AlertJson[]): BellEntry[] {
  const byKey = new Map<string, BellEntry>();
  for (const a of [...alerts].sort((x, y) => y.id - x.id)) {
    const key = `${a.listing.id}|${a.reason}|${a.listing.price}`;
    const e = byKey.get(key) ?? { key, alert: a, searchIds: [], favourite: false };
    if (a.searchId && !e.searchIds.includes(a.searchId)) e.searchIds.push(a.searchId);
    if (a.favourite) e.favourite = true;
    byKey.set(key, e);
  }
  return [...byKey.values()];
}

/** Lines with news after `readUpTo`. */
export function unreadCount(entries: BellEntry[], readUpTo: number): number {
  return entries.filter((e) => e.alert.id > readUpTo).length;
}
