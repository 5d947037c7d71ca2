'use client';

import { useCallback, useEffect, useState } from 'react';
import { optIn, optOut, PUSH_CHANGED, PushDenied, pushState, type PushState } from './push-opt-in';

/** This browser's push opt-in as the page shows it, kept in step across every control. */
export function usePush() {
  const [state, setState] = useState<PushState | 'loading'>('loading');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<'denied' | string | null>(null);
  useEffect(() => {
    const read = () => void pushState().then(setState);
    read();
    window.addEventListener(PUSH_CHANGED, read);
    return () => window.removeEventListener(PUSH_CHANGED, read);
  }, []);
  const run = useCallback((act: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    return act()
      .then(() => true)
      .catch((e: Error) => {
        setError(e instanceof PushDenied ? 'denied' : e.message);
        return false;
      })
      .finally(() => {
        setBusy(false);
        void pushState().then(setState);
      });
  }, []);
  return { state, busy, error, turnOn: () => run(optIn), turnOff: () => run(optOut) };
}
