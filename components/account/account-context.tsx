'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { AccountJson } from '@/server/contract/accounts';
import { accountApi } from './account-api';

/** Told when this browser signs in or out (here or in another tab): live sockets reconnect as the new session. */
export const SESSION_CHANGED = 'roost:session-changed';
const CHANNEL = 'roost-session';

interface AccountState {
  /** undefined while it is being asked; null when nobody is signed in. */
  account: AccountJson | null | undefined;
  /** After a sign-in, a sign-out or a rename: the account as it is now, and everyone told. */
  changed(next: AccountJson | null): void;
  refresh(): Promise<void>;
  /** Opens the sign-in dialog from anywhere (a favourite, "contact the host"). */
  askSignIn(reason?: string): void;
  signInAsked: { reason?: string } | null;
  closeSignIn(): void;
}

const Ctx = createContext<AccountState | null>(null);

/** Who is signed in, for every page: asked once, told of changes, shared across tabs. */
export function AccountProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<AccountJson | null | undefined>(undefined);
  const [signInAsked, setSignInAsked] = useState<{ reason?: string } | null>(null);
  const refresh = useCallback(async () => {
    setAccount(await accountApi.me().catch(() => null));
  }, []);
  useEffect(() => {
    void refresh();
    if (typeof BroadcastChannel === 'undefined') return;
    // Another tab signed in or out: this one follows, so no page acts as the wrong person.
    const channel = new BroadcastChannel(CHANNEL);
    channel.onmessage = () => {
      void refresh();
      window.dispatchEvent(new Event(SESSION_CHANGED));
    };
    return () => channel.close();
  }, [refresh]);
  const changed = useCallback((next: AccountJson | null) => {
    setAccount((before) => {
      if (before?.id !== next?.id) {
        window.dispatchEvent(new Event(SESSION_CHANGED));
        if (typeof BroadcastChannel !== 'undefined') {
          const channel = new BroadcastChannel(CHANNEL);
          channel.postMessage('changed');
          channel.close();
        }
      }
      return next;
    });
  }, []);
  const value = useMemo<AccountState>(
    () => ({ account, changed, refresh, signInAsked, askSignIn: (reason) => setSignInAsked({ ...(reason ? { reason } : {}) }), closeSignIn: () => setSignInAsked(null) }),
    [account, changed, refresh, signInAsked],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAccount(): AccountState {
  const c = useContext(Ctx);
  if (!c) throw new Error('useAccount outside AccountProvider');
  return c;
}
