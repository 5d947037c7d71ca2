'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { useListingFacts } from '@/components/map/listing-summary';
import { LAST_MAP_QUERY_KEY } from '@/components/map/view-state';
import type { HostJson } from '@/server/contract/host-listings';
import type { Listing } from '@/server/core/listing';
import type { PricePoint } from '@/server/engine/search-engine';
import { SiteHeader } from '@/components/account/site-header';
import { ContactHostButton } from '@/components/messages/contact-host-button';
import { FavouriteButton } from './favourite-button';
import { PhotoGallery } from './photo-gallery';
import { PriceHistory } from './price-history';
import { ShareButton } from './share-button';
import { SimilarHomes } from './similar-homes';

const SmallMap = dynamic(() => import('./small-map'), { ssr: false, loading: () => <div className="small-map" /> });

export interface ListingDetailsProps {
  listing: Listing;
  /** Who lists it, when a Roost account does (imported homes have none). */
  host: HostJson | null;
  history: PricePoint[];
  similar: Listing[];
  tileUrl: string;
  attribution: string;
}

/** One listing's page, for acting on it: every text from the listing rendered as text. */
export function ListingDetails({ listing, host, history, similar, tileUrl, attribution }: ListingDetailsProps) {
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
    <>
    <SiteHeader />
    <main className="page listing-page">
      <Link className="back" href={back} data-testid="back-to-map">
        ← {t('backToMap')}
      </Link>
      <PhotoGallery listing={listing} />
      <div className="listing-head">
        <div>
          <h1 data-testid="listing-title">{listing.title}</h1>
          <p className="listing-area">{[listing.neighbourhood, listing.district].filter(Boolean).join(', ')}</p>
          {host && (
            <p className="listing-host" data-testid="listing-host">
              <span className="avatar small" aria-hidden="true">
                {[...host.name][0]?.toUpperCase() ?? '?'}
              </span>
              {t('hostedBy', { name: host.name })}
            </p>
          )}
          {host && <ContactHostButton listingId={listing.id} host={host} />}
        </div>
        <div className="listing-actions">
          <FavouriteButton listing={listing} />
          <ShareButton title={listing.title} />
        </div>
      </div>
      <p className="listing-price" data-testid="listing-price">
        {listingPrice(listing)}
      </p>
      <dl className="listing-facts-list" data-testid="listing-facts">
        <div>
          <dt>{t('type')}</dt>
          <dd>{facts(listing)}</dd>
        </div>
        <div>
          <dt>{t('listedLabel')}</dt>
          <dd>{date(listing.listedAt)}</dd>
        </div>
        <div>
          <dt>{t('updatedLabel')}</dt>
          <dd>{date(listing.updatedAt)}</dd>
        </div>
      </dl>
      {listing.description && (
        <section className="listing-section" aria-labelledby="about-home">
          <h2 id="about-home">{t('aboutHome')}</h2>
          <p className="listing-description" data-testid="listing-description">
            {listing.description}
          </p>
        </section>
      )}
      <PriceHistory listing={listing} history={history} />
      <SmallMap lat={listing.lat} lon={listing.lon} tileUrl={tileUrl} attribution={attribution} label={listing.title} />
      <SimilarHomes homes={similar} />
    </main>
    </>
  );
}
