'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { alertsApi, type AlertJson, type SavedSearchJson } from './alerts-api';
import { bellEntries, unreadCount } from './bell-entries';
import { matchesSavedSearch } from './search-match';
import { placeAlert, placeOf, TOAST_LIMITS, type Toast, type ToastState } from './toast-policy';

export type { Toast } from './toast-policy';

/** Where the renter's reading stopped, per browser: alerts after it count as unread. */
const READ_KEY = 'roost-alerts-read';
/** The last alert this browser has shown or listed: nothing at or below it pops up again. */
const SHOWN_KEY = 'roost-alerts-shown';

function remember(key: string, n: number): void {
  try {
    if (n > storedNumber(key)) localStorage.setItem(key, String(n));
  } catch {
    // private mode: a reload may show an alert once more
  }
}

function storedNumber(key: string): number {
  try {
    return Number(localStorage.getItem(key) ?? 0) || 0;
  } catch {
    return 0;
  }
}

/**
 * The renter's saved searches and alerts. Alerts come from the inbox at load and live from
 * the socket; an id seen before is dropped (delivery is at least once), so nothing shows
 * twice. Alerts newer than the page get a toast, and a system notification when the tab
 * is hidden and the renter allowed it.
 */
export function useAlerts(notify: (title: string, body: string, url: string) => void) {
  const [searches, setSearches] = useState<SavedSearchJson[]>([]);
  const [alerts, setAlerts] = useState<AlertJson[]>([]);
  const [readUpTo, setReadUpTo] = useState(0);
  const [toasts, setToastState] = useState<Toast[]>([]);
  // The cards as of the last change, not the last render: two alerts for one home often
  // arrive in one frame, and the second must find the first's card.
  const toastsRef = useRef<ToastState>({ cards: [], raised: [] });
  const setToasts = useCallback((change: (t: Toast[]) => Toast[]) => {
    toastsRef.current = { ...toastsRef.current, cards: change(toastsRef.current.cards) };
    setToastState(toastsRef.current.cards);
  }, []);
  /** Each card's timer, started again whenever the card changes. */
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());
  const expireLater = useCallback(
    (id: number) => {
      clearTimeout(timers.current.get(id));
      timers.current.set(
        id,
        setTimeout(() => {
          timers.current.delete(id);
          setToasts((t) => t.filter((x) => x.id !== id));
        }, TOAST_LIMITS.lifeMs),
      );
    },
    [setToasts],
  );
  useEffect(() => () => timers.current.forEach(clearTimeout), []);
  const seen = useRef(new Set<number>());
  const lastId = useRef(0);
  const loadedUpTo = useRef<number | null>(null);
  /** Read on the first live alert: the socket may replay before the inbox has loaded. */
  const shownUpTo = useRef<number | null>(null);
  const searchesRef = useRef(searches);
  searchesRef.current = searches;

  const reload = useCallback(() => alertsApi.searches().then(setSearches).catch(() => undefined), []);

  /** The inbox as it is now (at load, and when the renter signs in or out: another owner's). */
  const loadInbox = useCallback(() => {
    alertsApi
      .alerts(0)
      .then((inbox) => {
        for (const a of inbox) seen.current.add(a.id);
        lastId.current = Math.max(lastId.current, ...inbox.map((a) => a.id));
        loadedUpTo.current = lastId.current;
        remember(SHOWN_KEY, lastId.current);
        setAlerts((cur) => {
          const byId = new Map(cur.map((a) => [a.id, a]));
          for (const a of inbox) byId.set(a.id, a);
          return [...byId.values()].sort((a, b) => b.id - a.id);
        });
      })
      .catch(() => (loadedUpTo.current = 0));
  }, []);

  useEffect(() => {
    setReadUpTo(storedNumber(READ_KEY));
    void reload();
    loadInbox();
  }, [reload, loadInbox]);

  /** Signed in or out: the searches and inbox are another owner's; what was shown goes. */
  const reset = useCallback(() => {
    setAlerts([]);
    seen.current.clear();
    lastId.current = 0;
    void reload();
    loadInbox();
  }, [reload, loadInbox]);

  /** A live alert from the socket; repeats are dropped here. */
  const receive = useCallback(
    (a: AlertJson) => {
      if (seen.current.has(a.id)) return;
      seen.current.add(a.id);
      lastId.current = Math.max(lastId.current, a.id);
      setAlerts((cur) => [a, ...cur].sort((x, y) => y.id - x.id));
      if (loadedUpTo.current !== null && a.id <= loadedUpTo.current) return;
      shownUpTo.current ??= storedNumber(SHOWN_KEY);
      // Shown on this device before (another tab, before a reload): into the bell, no toast.
      if (a.id <= shownUpTo.current) return;
      shownUpTo.current = a.id;
      remember(SHOWN_KEY, a.id);
      // One alert per home and change: it names one search, the card every search of the renter's the home is in.
      const own = searchesRef.current.find((s) => s.id === a.searchId)?.name;
      const names = [...new Set([own, ...searchesRef.current.filter((s) => s.id !== a.searchId && !s.paused && matchesSavedSearch(s, a.listing)).map((s) => s.name)].filter((n): n is string => !!n))];
      // Decided on the ref, not inside an updater: React may run an updater later.
      const out = placeAlert(toastsRef.current, a, names, placeOf(a, own), Date.now());
      toastsRef.current = out.state;
      setToastState(out.state.cards);
      if (out.card !== null) expireLater(out.card);
      if (out.raised && typeof document !== 'undefined' && document.hidden) {
        notify(names[0] ?? '', `${a.listing.title}`, `/listings/${encodeURIComponent(a.listing.id)}`);
      }
    },
    [notify, expireLater],
  );

  const entries = useMemo(() => bellEntries(alerts), [alerts]);

  const markRead = useCallback(() => {
    const top = alerts[0]?.id ?? 0;
    setReadUpTo(top);
    try {
      localStorage.setItem(READ_KEY, String(top));
    } catch {
      // private mode: unread counts reset on reload
    }
  }, [alerts]);

  return {
    searches,
    setSearches,
    reload,
    alerts,
    /** The bell's lines: one per home and change. */
    entries,
    unread: unreadCount(entries, readUpTo),
    markRead,
    toasts,
    dismiss: (id: number) => setToasts((t) => t.filter((x) => x.id !== id)),
    receive,
    /** The resume point for the socket: the last alert this page has. */
    lastAlertId: () => lastId.current,
    reset,
  };
}
