'use client';

import { useEffect, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { alertsApi, type SavedSearchJson } from '@/components/alerts/alerts-api';
import type { Listing } from '@/server/core/listing';

/** About 10 cm around the home's point: a saved search of this box hears of this home alone. */
const HALF_SIDE = 1e-6;

export function favouriteBox(l: Pick<Listing, 'lat' | 'lon'>): [number, number, number, number] {
  return [l.lon - HALF_SIDE, l.lat - HALF_SIDE, l.lon + HALF_SIDE, l.lat + HALF_SIDE];
}

/** Whether a saved search is the favourite of this home: its box is the home's own. */
export function isFavouriteOf(s: SavedSearchJson, l: Pick<Listing, 'lat' | 'lon'>): boolean {
  const box = favouriteBox(l);
  return s.bbox !== undefined && s.bbox.every((v, i) => Math.abs(v - box[i]!) < 1e-9);
}

/**
 * The heart: a favourite is a saved search of the home's own spot that hears only of a price
 * drop or its removal, so it alerts through the same inbox, offline and across nodes.
 */
export function FavouriteButton({ listing }: { listing: Listing }) {
  const { t } = useI18n();
  const [saved, setSaved] = useState<SavedSearchJson | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    alertsApi
      .searches()
      .then((all) => setSaved(all.find((s) => isFavouriteOf(s, listing)) ?? null))
      .catch(() => undefined);
  }, [listing]);
  const toggle = () => {
    setBusy(true);
    const done = () => setBusy(false);
    if (saved) {
      alertsApi.remove(saved.id).then(() => setSaved(null)).finally(done);
    } else {
      alertsApi
        .create({ name: `♥ ${listing.title}`.slice(0, 90), bbox: favouriteBox(listing), filters: {}, notify: ['price_drop', 'removed'] })
        .then(setSaved)
        .finally(done);
    }
  };
  return (
    <button type="button" className={saved ? 'action-button favourite on' : 'action-button favourite'} aria-pressed={saved !== null} onClick={toggle} disabled={busy} data-testid="favourite">
      <span aria-hidden="true">{saved ? '♥' : '♡'}</span> {saved ? t('favourited') : t('favourite')}
    </button>
  );
}
