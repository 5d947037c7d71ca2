'use client';

import { useState } from 'react';
import { useAccount } from '@/components/account/account-context';
import { useI18n } from '@/components/i18n/i18n';
import type { HostJson } from '@/server/contract/host-listings';
import { messagesApi } from './messages-api';

/** A rough "within …" for a reply time: people read "an hour", not 47 minutes. */
export function replyWithinKey(ms: number): 'within_hour' | 'within_hours' | 'within_day' | 'within_days' {
  const h = ms / 3_600_000;
  return h <= 1 ? 'within_hour' : h <= 6 ? 'within_hours' : h <= 24 ? 'within_day' : 'within_days';
}

/** "Contact the host" on a listing: starts (or reopens) the renter's conversation with them. */
export function ContactHostButton({ listingId, host }: { listingId: string; host: HostJson }) {
  const { t } = useI18n();
  const { account, askSignIn } = useAccount();
  const [busy, setBusy] = useState(false);
  if (account && account.id === host.id) return <p className="muted">{t('ownListing')}</p>;
  const open = () => {
    // Not known yet who this is (the page asks /api/me as it loads): the button waits disabled,
    // so a signed-in renter who taps at once is not asked to sign in.
    if (account === undefined) return;
    if (account === null) return askSignIn(t('signInToContact'));
    setBusy(true);
    messagesApi
      .start(listingId)
      .then((c) => window.location.assign(`/messages/${encodeURIComponent(c.id)}`))
      .catch(() => setBusy(false));
  };
  return (
    <div className="contact-host">
      <button type="button" className="primary" onClick={open} disabled={busy || account === undefined} data-testid="contact-host">
        {t('contactHost')}
      </button>
      {host.usuallyRepliesInMs !== undefined && <span className="muted">{t('usuallyReplies', { time: t(replyWithinKey(host.usuallyRepliesInMs)) })}</span>}
    </div>
  );
}
