'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ConversationJson, MessageJson } from '@/server/contract/conversations';
import type { ServerMessage } from '@/components/map/live-socket';
import { messagesApi, newClientId } from './messages-api';
import { Outbox } from './outbox';
import { sawMessage, useLiveMessages } from './use-live-messages';

export type MessageStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface ShownMessage {
  /** The server's id, or null while it is still being sent. */
  id: number | null;
  clientId: string;
  from: string;
  text: string;
  sentAt: string;
  mine: boolean;
  status: MessageStatus | null;
}

/**
 * One conversation on the page: its history (paged backwards), messages live both ways,
 * the device's own messages through the outbox (shown at once, "sending…" until committed),
 * and how far the other person's devices have them and have read them.
 */
export function useConversation(id: string, me: string | null) {
  const [conversation, setConversation] = useState<ConversationJson | null>(null);
  const [missing, setMissing] = useState(false);
  const [messages, setMessages] = useState<Map<number, MessageJson>>(new Map());
  const [pending, setPending] = useState<{ clientId: string; text: string; sentAt: string; failed?: boolean }[]>([]);
  const [more, setMore] = useState(false);
  const [theirRead, setTheirRead] = useState(0);
  const [theirDelivered, setTheirDelivered] = useState(0);
  const [myRead, setMyRead] = useState(0);
  const outbox = useRef<Outbox | null>(null);

  const addMessages = useCallback((list: MessageJson[]) => {
    if (list.length === 0) return;
    for (const m of list) sawMessage(m.id);
    setMessages((cur) => {
      const next = new Map(cur);
      for (const m of list) next.set(m.id, m);
      return next;
    });
    // A committed message takes its pending copy's place.
    setPending((cur) => cur.filter((p) => !list.some((m) => m.clientId === p.clientId && m.from === me)));
  }, [me]);

  const onFrame = useCallback(
    (f: ServerMessage) => {
      if (f.type === 'message' && f.message.conversationId === id) addMessages([f.message]);
      else if (f.type === 'sent') outbox.current?.sent(f.clientId, f.message);
      else if (f.type === 'error' && f.clientId) outbox.current?.refused(f.clientId, f.code);
      else if ((f.type === 'read' || f.type === 'delivered') && f.conversationId === id && f.by !== me) {
        if (f.type === 'read') setTheirRead((r) => Math.max(r, f.upTo));
        setTheirDelivered((d) => Math.max(d, f.upTo));
      } else if (f.type === 'read' && f.conversationId === id && f.by === me) setMyRead((r) => Math.max(r, f.upTo));
    },
    [id, me, addMessages],
  );
  const { socket, state } = useLiveMessages(onFrame, () => outbox.current?.connected());

  useEffect(() => {
    if (!socket) return;
    const o = new Outbox(
      (frame) => socket.send(frame),
      (_clientId, message) => addMessages([message]),
      (clientId) => setPending((cur) => cur.map((p) => (p.clientId === clientId ? { ...p, failed: true } : p))),
    );
    outbox.current = o;
    return () => o.stop();
  }, [socket, addMessages]);

  useEffect(() => {
    if (!me) return;
    messagesApi
      .one(id)
      .then(setConversation)
      .catch(() => setMissing(true));
    messagesApi
      .page(id)
      .then((p) => {
        addMessages(p.messages);
        setMore(p.more);
        setTheirRead(p.readUpTo.them);
        setMyRead(p.readUpTo.me);
        setTheirDelivered(Math.max(p.deliveredUpTo.them, p.readUpTo.them));
      })
      .catch(() => setMissing(true));
  }, [id, me, addMessages]);

  const loadOlder = useCallback(async () => {
    const oldest = Math.min(...messages.keys());
    const p = await messagesApi.page(id, Number.isFinite(oldest) ? oldest : 0);
    addMessages(p.messages);
    setMore(p.more);
  }, [id, messages, addMessages]);

  const send = useCallback(
    (text: string) => {
      const clientId = newClientId();
      setPending((cur) => [...cur, { clientId, text, sentAt: new Date().toISOString() }]);
      outbox.current?.add({ conversationId: id, clientId, text });
    },
    [id],
  );

  /** Everything up to `upTo` was seen: the other person's messages count as read. */
  const markRead = useCallback(
    (upTo: number) => {
      if (upTo <= myRead) return;
      setMyRead(upTo);
      if (!socket?.send({ type: 'read', conversationId: id, upTo })) void messagesApi.read(id, upTo).catch(() => undefined);
    },
    [id, myRead, socket],
  );

  const shown: ShownMessage[] = useMemo(() => {
    const committed = [...messages.values()].sort((a, b) => a.id - b.id);
    const status = (m: MessageJson): MessageStatus | null => (m.from !== me ? null : m.id <= theirRead ? 'read' : m.id <= theirDelivered ? 'delivered' : 'sent');
    return [
      ...committed.map((m) => ({ id: m.id, clientId: m.clientId, from: m.from, text: m.text, sentAt: m.sentAt, mine: m.from === me, status: status(m) })),
      ...pending.map((p) => ({ id: null, clientId: p.clientId, from: me ?? '', text: p.text, sentAt: p.sentAt, mine: true, status: (p.failed ? 'failed' : 'sending') as MessageStatus })),
    ];
  }, [messages, pending, me, theirRead, theirDelivered]);

  return { conversation, setConversation, missing, shown, more, loadOlder, send, markRead, myRead, live: state };
}
