'use client';

import { useEffect, useState } from 'react';
import { SESSION_CHANGED, useAccount } from '@/components/account/account-context';
import { messagesApi } from './messages-api';

/** Dispatched on window by any live socket of the page that hears a message or a read receipt. */
export const MESSAGES_CHANGED = 'roost:messages-changed';
const DEBOUNCE_MS = 300;

/** The signed-in account's unread messages, for the header: read at load, again when a socket hears of a change. */
export function useUnreadMessages(): number {
  const { account } = useAccount();
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    if (!account) {
      setUnread(0);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = () => void messagesApi.list().then((l) => setUnread(l.reduce((n, c) => n + c.unread, 0))).catch(() => undefined);
    const soon = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(load, DEBOUNCE_MS);
    };
    load();
    window.addEventListener(MESSAGES_CHANGED, soon);
    window.addEventListener(SESSION_CHANGED, soon);
    return () => {
      if (timer) clearTimeout(timer);
      window.removeEventListener(MESSAGES_CHANGED, soon);
      window.removeEventListener(SESSION_CHANGED, soon);
    };
  }, [account]);
  return unread;
}
