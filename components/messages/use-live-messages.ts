'use client';

import { useEffect, useRef, useState } from 'react';
import { SESSION_CHANGED } from '@/components/account/account-context';
import { LiveSocket, type LiveState, type ServerMessage } from '@/components/map/live-socket';
import { MESSAGES_CHANGED } from './use-unread';

/** The newest message id this browser tab has seen, for `resume` after a reconnect. */
let lastSeen = 0;
export function sawMessage(id: number): void {
  if (id > lastSeen) lastSeen = id;
}

/**
 * The page's live socket for conversations: resumes after the last message this tab has
 * seen on every connect (alerts: none, this page does not show them), reopens as the new
 * session when the renter signs in or out, and hands each frame to the page.
 */
export function useLiveMessages(onFrame: (m: ServerMessage) => void, onConnect: () => void): { socket: LiveSocket | null; state: LiveState } {
  const [state, setState] = useState<LiveState>('connecting');
  const [socket, setSocket] = useState<LiveSocket | null>(null);
  const handlers = useRef({ onFrame, onConnect });
  handlers.current = { onFrame, onConnect };
  useEffect(() => {
    const s = new LiveSocket(
      (m) => {
        if (m.type === 'message') sawMessage(m.message.id);
        if (m.type === 'message' || m.type === 'read') window.dispatchEvent(new Event(MESSAGES_CHANGED));
        handlers.current.onFrame(m);
      },
      (st) => {
        setState(st);
        if (st === 'open') queueMicrotask(() => handlers.current.onConnect());
      },
      () => [JSON.stringify({ type: 'resume', after: Number.MAX_SAFE_INTEGER, messagesAfter: lastSeen })],
    );
    setSocket(s);
    const onSession = () => s.reconnect();
    window.addEventListener(SESSION_CHANGED, onSession);
    return () => {
      window.removeEventListener(SESSION_CHANGED, onSession);
      s.close();
    };
  }, []);
  return { socket, state };
}
