'use client';

import { useEffect, useRef, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { useDismiss } from '@/components/ui/use-dismiss';
import { useUnreadMessages } from '@/components/messages/use-unread';
import { accountApi } from './account-api';
import { useAccount } from './account-context';

/**
 * The header's account control: "Sign in" for a visitor; for a signed-in renter their
 * initial, opening a menu of their pages and "Sign out".
 */
export function AccountMenu() {
  const { t } = useI18n();
  const { account, changed, askSignIn } = useAccount();
  const [open, setOpen] = useState(false);
  const unread = useUnreadMessages();
  const root = useRef<HTMLDivElement>(null);
  // Escape and Back close it, one popover of the header at a time.
  useDismiss(open, () => setOpen(false), 'header-popover');
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    window.addEventListener('mousedown', onDown);
    return () => {
      window.removeEventListener('mousedown', onDown);
    };
  }, [open]);
  const signOut = () => {
    setOpen(false);
    void accountApi.signOut().finally(() => changed(null));
  };
  return (
    <div className="popover-anchor account-menu" ref={root}>
      {account === undefined ? (
        <span className="icon-button placeholder" aria-hidden="true" />
      ) : account === null ? (
        <button type="button" className="icon-button text sign-in-button" onClick={() => askSignIn()} data-testid="sign-in">
          {t('signIn')}
        </button>
      ) : (
        <button type="button" className="icon-button avatar-button" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="account-button" title={account.name}>
          <span className="avatar" aria-hidden="true">
            {[...account.name][0]?.toUpperCase() ?? '?'}
          </span>
          {unread > 0 && (
            <span className="badge" data-testid="header-unread">
              {unread}
            </span>
          )}
          <span className="label-long account-name">{account.name}</span>
          <span className="sr-only">
            {t('accountMenu', { name: account.name })}
            {unread > 0 ? `, ${t('unreadCount', { count: unread })}` : ''}
          </span>
        </button>
      )}
      {open && account && (
        <div className="popover menu" role="menu" data-testid="account-menu">
          <p className="menu-who">
            <strong>{account.name}</strong>
            {account.email && <span className="muted">{account.email}</span>}
          </p>
          <a role="menuitem" href="/messages" data-testid="menu-messages">
            {t('messagesNav')}
            {unread > 0 && <span className="nav-badge">{unread}</span>}
          </a>
          <a role="menuitem" href="/saved">{t('savedPage')}</a>
          <a role="menuitem" href="/host">{account.host ? t('yourListings') : t('listAHome')}</a>
          <a role="menuitem" href="/account">{t('accountPage')}</a>
          <button type="button" role="menuitem" className="menu-item" onClick={signOut} data-testid="sign-out">
            {t('signOut')}
          </button>
        </div>
      )}
    </div>
  );
}
