'use client';

import Link from 'next/link';
import { useI18n } from '@/components/i18n/i18n';
import { useDismiss } from '@/components/ui/use-dismiss';
import type { Listing } from '@/server/core/listing';
import { useListingFacts } from './listing-summary';

/** The card a pin opens: React renders it, so a title is only ever text. */
export function ListingCard({ listing, onClose }: { listing: Listing; onClose(): void }) {
  const { t, listingPrice } = useI18n();
  const facts = useListingFacts();
  // Escape and Back close the card before anything under it.
  useDismiss(true, onClose);
  return (
    <article className="listing-card" aria-label={listing.title} data-testid="listing-card">
      <button type="button" className="card-close" onClick={onClose} aria-label={t('close')}>
        ×
      </button>
      <h2 className="card-title">{listing.title}</h2>
      <p className="card-price">
        {listingPrice(listing)}
      </p>
      <p className="card-facts">{facts(listing)}</p>
      <p className="card-area">
        {[listing.neighbourhood, listing.district].filter(Boolean).join(', ')}
      </p>
      <Link className="card-link" href={`/listings/${encodeURIComponent(listing.id)}`}>
        {t('viewListing')}
      </Link>
    </article>
  );
}
