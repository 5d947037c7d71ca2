'use client';

import { useEffect, useState } from 'react';
import { useAccount, SESSION_CHANGED } from '@/components/account/account-context';
import { SignInPrompt } from '@/components/account/sign-in-prompt';
import { SiteHeader } from '@/components/account/site-header';
import { useI18n } from '@/components/i18n/i18n';
import type { ConversationJson } from '@/server/contract/conversations';
import { photoSources, shownPhotos } from '@/server/contract/photos';
import { messagesApi } from './messages-api';
import { useLiveMessages } from './use-live-messages';

/** /messages — every conversation of the account, as renter or host, newest activity first, live. */
export function ConversationsPage() {
  const { t, date, time } = useI18n();
  const { account } = useAccount();
  const [list, setList] = useState<ConversationJson[] | null>(null);
  // Today's messages by their time, older ones by their date.
  const when = (iso: string) => (new Date(iso).toDateString() === new Date().toDateString() ? time(iso) : date(iso));
  const load = () => void messagesApi.list().then(setList).catch(() => setList([]));
  useEffect(() => {
    if (account) load();
    window.addEventListener(SESSION_CHANGED, load);
    return () => window.removeEventListener(SESSION_CHANGED, load);
  }, [account]);
  // A message in any conversation: the list (order, previews, unread) as it is now.
  useLiveMessages((f) => f.type === 'message' && load(), () => undefined);
  return (
    <>
      <SiteHeader current="messages" />
      <main className="page messages-page" data-testid="messages-page">
        <h1>{t('messagesTitle')}</h1>
        {account === null ? (
          <SignInPrompt reason={t('signInToMessages')} />
        ) : list === null ? (
          <p className="muted">{t('loading')}</p>
        ) : list.length === 0 ? (
          <p className="muted">{t('messagesEmpty')}</p>
        ) : (
          <ul className="conversation-list">
            {list.map((c) => (
              <li key={c.id} className={c.unread > 0 ? 'unread' : undefined} data-testid="conversation-row">
                <a href={`/messages/${encodeURIComponent(c.id)}`}>
                  {shownPhotos(c.listing.photos)[0] ? <img {...photoSources(shownPhotos(c.listing.photos)[0]!)} sizes="64px" alt="" width={64} height={48} /> : <span className="mini-home">⌂</span>}
                  <span className="conversation-text">
                    <span className="conversation-top">
                      <strong>{c.with.name}</strong>
                      {c.lastMessage && <time dateTime={c.lastMessage.sentAt}>{when(c.lastMessage.sentAt)}</time>}
                    </span>
                    <span className="muted one-line">{c.listing.title}</span>
                    {c.lastMessage && <span className="one-line">{c.lastMessage.from === account?.id ? t('youWrote', { text: c.lastMessage.text }) : c.lastMessage.text}</span>}
                  </span>
                  {c.unread > 0 && (
                    <span className="unread-badge" aria-label={t('unreadCount', { count: c.unread })} data-testid="unread">
                      {c.unread}
                    </span>
                  )}
                </a>
              </li>
            ))}
          </ul>
        )}
      </main>
    </>
  );
}
