'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { useDismiss } from '@/components/ui/use-dismiss';
import type { AlertJson, SavedSearchJson } from './alerts-api';
import { bellEntries } from './bell-entries';

export interface AlertsBellProps {
  alerts: AlertJson[];
  unread: number;
  searches: SavedSearchJson[];
  onOpen(): void;
}

/**
 * The bell: how many changes are unread, and the list of them, each linking to its home;
 * one line per home and change, naming every search and the favourite that told of it.
 */
export function AlertsBell({ alerts, unread, searches, onOpen }: AlertsBellProps) {
  const { t, price, listingPrice } = useI18n();
  const [open, setOpen] = useState(false);
  // Escape and Back close it; it and the other header popovers are never open together.
  useDismiss(open, () => setOpen(false), 'header-popover');
  const [permission, setPermission] = useState(() => (typeof Notification === 'undefined' ? 'denied' : Notification.permission));
  const name = (id: string) => searches.find((s) => s.id === id)?.name ?? '';
  const entries = useMemo(() => bellEntries(alerts), [alerts]);
  return (
    <div className="popover-anchor">
      <button
        type="button"
        className="icon-button"
        aria-expanded={open}
        aria-label={t('alertsBell', { count: unread })}
        data-testid="alerts-bell"
        onClick={() => {
          setOpen((o) => !o);
          if (!open) onOpen();
        }}
      >
        <svg className="bell-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M12 2a6 6 0 0 0-6 6v3.6L4.3 15a1 1 0 0 0 .9 1.5h13.6a1 1 0 0 0 .9-1.5L18 11.6V8a6 6 0 0 0-6-6Zm0 20a3 3 0 0 0 2.8-2H9.2A3 3 0 0 0 12 22Z" fill="currentColor" />
        </svg>
        {unread > 0 && (
          <span className="badge" data-testid="alerts-unread">
            {unread}
          </span>
        )}
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label={t('alertsTitle')}>
          <h2 className="popover-title">{t('alertsTitle')}</h2>
          {permission === 'default' && (
            <button type="button" className="link-button" onClick={() => void Notification.requestPermission().then(setPermission)}>
              {t('alertsNotifyMe')}
            </button>
          )}
          {entries.length === 0 ? (
            <p className="popover-empty">{t('alertsEmpty')}</p>
          ) : (
            <ol className="popover-list" data-testid="alerts-list">
              {entries.slice(0, 50).map(({ alert: a, key, searchIds, favourite }) => (
                <li key={key}>
                  <Link href={`/listings/${encodeURIComponent(a.listing.id)}`} className="alert-row">
                    <span className={`alert-reason reason-${a.reason}`}>{t(`reason_${a.reason}`)}</span>
                    <span className="alert-title">{a.listing.title}</span>
                    <span className="alert-meta">
                      {a.previousPrice !== undefined && <s className="price-was">{price(a.previousPrice, a.listing.currency)}</s>}
                      {a.previousPrice !== undefined && ' → '}
                      {listingPrice(a.listing)}
                      {[favourite ? t('savedHomes') : '', ...searchIds.map(name)]
                        .filter(Boolean)
                        .map((n) => ` · ${n}`)
                        .join('')}
                    </span>
                  </Link>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </div>
  );
}
