'use client';

import { useEffect, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { accountApi } from '@/components/account/account-api';
import type { Listing } from '@/server/core/listing';

/**
 * The heart: keeps this home (by its id) among the renter's favourites, which hear of its
 * price drops and its removal — of this home only, not another at the same address.
 */
export function FavouriteButton({ listing }: { listing: Listing }) {
  const { t } = useI18n();
  const [kept, setKept] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    accountApi
      .favourites()
      .then((all) => setKept(all.some((f) => f.listing.id === listing.id)))
      .catch(() => setKept(false));
  }, [listing.id]);
  const toggle = () => {
    setBusy(true);
    (kept ? accountApi.unkeep(listing.id) : accountApi.keep(listing.id))
      .then(() => setKept(!kept))
      .catch(() => undefined)
      .finally(() => setBusy(false));
  };
  return (
    <button type="button" className={kept ? 'action-button favourite on' : 'action-button favourite'} aria-pressed={kept === true} onClick={toggle} disabled={busy || kept === null} data-testid="favourite">
      <span aria-hidden="true">{kept ? '♥' : '♡'}</span> {kept ? t('favourited') : t('favourite')}
    </button>
  );
}
