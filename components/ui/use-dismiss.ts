'use client';

import { useEffect, useRef } from 'react';

/**
 * How a dialog or sheet closes as people expect on the web and on phones: Escape, and the
 * back gesture (a history entry is pushed while it is open, so Back closes it instead of
 * leaving the page). Closed any other way, it takes its history entry back with it.
 */
export function useDismiss(open: boolean, onClose: () => void): void {
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    if (!open) return;
    const marker = { roostDialog: Math.random() };
    window.history.pushState({ ...(window.history.state ?? {}), ...marker }, '');
    let poppedByBack = false;
    const onPop = () => {
      poppedByBack = true;
      close.current();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        close.current();
      }
    };
    window.addEventListener('popstate', onPop);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('popstate', onPop);
      window.removeEventListener('keydown', onKey);
      // Closed by a button or Escape: its entry goes too, so Back does not need two presses.
      const state = window.history.state as { roostDialog?: number } | null;
      if (!poppedByBack && state?.roostDialog === marker.roostDialog) window.history.back();
    };
  }, [open]);
}
