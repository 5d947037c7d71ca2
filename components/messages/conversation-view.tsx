'use client';

import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useAccount } from '@/components/account/account-context';
import { SignInPrompt } from '@/components/account/sign-in-prompt';
import { SiteHeader } from '@/components/account/site-header';
import { useI18n } from '@/components/i18n/i18n';
import { MAX_MESSAGE_LENGTH } from '@/server/contract/conversations';
import { photoSources, shownPhotos } from '@/server/contract/photos';
import { messagesApi } from './messages-api';
import { useConversation, type ShownMessage } from './use-conversation';

function Bubble({ m, showStatus }: { m: ShownMessage; showStatus: boolean }) {
  const { t, time: timeOf } = useI18n();
  const time = timeOf(m.sentAt);
  return (
    <li className={m.mine ? 'bubble-row mine' : 'bubble-row theirs'} data-testid="message" data-id={m.id ?? ''} data-status={m.status ?? ''}>
      <div className="bubble-text">{m.text}</div>
      <div className="bubble-meta">
        <time dateTime={m.sentAt}>{time}</time>
        {m.mine && showStatus && m.status && <span className={`status status-${m.status}`}> · {t(`status_${m.status}`)}</span>}
      </div>
    </li>
  );
}

/** /messages/:id — one conversation: the home at the top, history paged backwards, live both ways, a composer that stays above a phone's keyboard. */
export function ConversationView({ id }: { id: string }) {
  const { t, listingPrice } = useI18n();
  const { account } = useAccount();
  const me = account?.id ?? null;
  const c = useConversation(id, me);
  const [text, setText] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const atBottom = useRef(true);

  // Stay at the newest message as they come, unless the renter scrolled up to read.
  useLayoutEffect(() => {
    const el = list.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [c.shown.length]);

  // What is on screen at the bottom, with the page in view, is read.
  const newestTheirs = [...c.shown].reverse().find((m) => !m.mine && m.id !== null)?.id ?? 0;
  useEffect(() => {
    if (newestTheirs > c.myRead && atBottom.current && document.visibilityState === 'visible') c.markRead(newestTheirs);
    const onVisible = () => document.visibilityState === 'visible' && atBottom.current && c.markRead(newestTheirs);
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [newestTheirs, c]);

  if (account === null) {
    return (
      <>
        <SiteHeader current="messages" />
        <main className="page narrow">
          <h1>{t('messagesTitle')}</h1>
          <SignInPrompt reason={t('signInToConversation')} />
        </main>
      </>
    );
  }
  if (c.missing) {
    return (
      <>
        <SiteHeader current="messages" />
        <main className="page narrow" data-testid="conversation-missing">
          <h1>{t('conversationMissingTitle')}</h1>
          <p>{t('conversationMissing')}</p>
          <a className="back" href="/messages">
            {t('allMessages')}
          </a>
        </main>
      </>
    );
  }
  const conv = c.conversation;
  const lastMine = [...c.shown].reverse().find((m) => m.mine);
  const submit = () => {
    const body = text.trim();
    if (!body || [...body].length > MAX_MESSAGE_LENGTH) return;
    c.send(text);
    setText('');
    atBottom.current = true;
  };
  return (
    <div className="conversation-layout">
      <SiteHeader current="messages" />
      <main className="conversation" data-testid="conversation">
        <header className="conversation-head">
          <a className="back" href="/messages" aria-label={t('messagesTitle')}>
            ←
          </a>
          {conv && (
            <a className="conversation-home" href={`/listings/${encodeURIComponent(conv.listing.id)}`}>
              {shownPhotos(conv.listing.photos)[0] ? <img {...photoSources(shownPhotos(conv.listing.photos)[0]!)} sizes="56px" alt="" width={56} height={42} /> : <span className="mini-home">⌂</span>}
              <span>
                <strong data-testid="conversation-with">{conv.with.name}</strong>
                <span className="muted">
                  {conv.listing.title} · {listingPrice(conv.listing)}
                  {conv.asHost ? ` · ${t('youAreHost')}` : ''}
                </span>
              </span>
            </a>
          )}
          {conv && (
            <details className="conversation-more">
              <summary aria-label={t('moreActions')}>⋯</summary>
              <div className="popover menu">
                <button
                  type="button"
                  className="menu-item"
                  onClick={() => {
                    if (!conv.blocked && !window.confirm(t('blockConfirm', { name: conv.with.name }))) return;
                    void (conv.blocked ? messagesApi.unblock(id) : messagesApi.block(id)).then(() => c.setConversation({ ...conv, blocked: !conv.blocked }));
                  }}
                  data-testid="block"
                >
                  {conv.blocked ? t('unblockPerson', { name: conv.with.name }) : t('blockPerson', { name: conv.with.name })}
                </button>
                <button
                  type="button"
                  className="menu-item"
                  onClick={() => {
                    const reason = window.prompt(t('reportPrompt'));
                    if (reason?.trim()) void messagesApi.report(id, reason.trim()).then(() => setNote(t('reported')));
                  }}
                >
                  {t('reportConversation')}
                </button>
              </div>
            </details>
          )}
        </header>
        <ol
          className="message-list"
          ref={list}
          aria-live="polite"
          aria-label={conv ? t('conversationWith', { name: conv.with.name }) : undefined}
          onScroll={(e) => {
            const el = e.currentTarget;
            atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
            if (atBottom.current) c.markRead(newestTheirs);
          }}
          data-testid="message-list"
        >
          {c.more && (
            <li className="older">
              <button type="button" className="link-button" onClick={() => void c.loadOlder()}>
                {t('olderMessages')}
              </button>
            </li>
          )}
          {c.shown.map((m) => (
            <Bubble key={m.id ?? m.clientId} m={m} showStatus={m === lastMine || m.status === 'failed' || m.status === 'sending'} />
          ))}
        </ol>
        {note && (
          <p role="status" className="ok-note center">
            {note}
          </p>
        )}
        {conv?.blocked && <p className="notice">{t('blockedNote', { name: conv.with.name })}</p>}
        {c.live === 'reconnecting' && (
          <p className="chip-status chip-offline center" role="status">
            {t('reconnectingMessages')}
          </p>
        )}
        <form
          className="composer"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <label className="sr-only" htmlFor="composer-text">
            {t('writeMessage')}
          </label>
          <textarea
            id="composer-text"
            rows={1}
            value={text}
            placeholder={t('writeMessage')}
            maxLength={MAX_MESSAGE_LENGTH * 2}
            enterKeyHint="send"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                submit();
              }
            }}
            aria-describedby="composer-hint"
            data-testid="composer"
          />
          <button type="submit" className="primary" disabled={!text.trim() || [...text.trim()].length > MAX_MESSAGE_LENGTH} data-testid="send">
            {t('send')}
          </button>
          <span id="composer-hint" className="sr-only">
            {t('sendHint')}
          </span>
        </form>
      </main>
    </div>
  );
}
