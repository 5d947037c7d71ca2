'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { useListingFacts } from '@/components/map/listing-summary';
import { LAST_MAP_QUERY_KEY } from '@/components/map/view-state';
import type { Listing } from '@/server/core/listing';

const SmallMap = dynamic(() => import('./small-map'), { ssr: false, loading: () => <div className="small-map" /> });

/** One listing's page: every text from the listing rendered as text. */
export function ListingDetails({ listing, tileUrl, attribution }: { listing: Listing; tileUrl: string; attribution: string }) {
  const { t, listingPrice, date } = useI18n();
  const facts = useListingFacts();
  // Back to the view and filters the renter came from; a shared link lands on the home.
  const [back, setBack] = useState(`/?lat=${listing.lat}&lon=${listing.lon}&zoom=16`);
  useEffect(() => {
    try {
      const q = window.sessionStorage.getItem(LAST_MAP_QUERY_KEY);
      if (q) setBack(`/?${q}`);
    } catch {
      // Storage refused: the listing's own spot on the map it is.
    }
  }, []);
  return (
    <main className="page listing-page">
      <Link className="back" href={back} data-testid="back-to-map">
        ← {t('backToMap')}
      </Link>
      <h1 data-testid="listing-title">{listing.title}</h1>
      <p className="listing-price">
        {listingPrice(listing)}
      </p>
      <p className="listing-facts">{facts(listing)}</p>
      <p className="listing-area">{[listing.neighbourhood, listing.district].filter(Boolean).join(', ')}</p>
      <p className="listing-dates">
        {t('listedOn', { date: date(listing.listedAt) })} · {t('updatedOn', { date: date(listing.updatedAt) })}
      </p>
      <SmallMap lat={listing.lat} lon={listing.lon} tileUrl={tileUrl} attribution={attribution} label={listing.title} />
    </main>
  );
}
