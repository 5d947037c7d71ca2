'use client';

import type { ReactNode } from 'react';
import { useListingFacts } from '@/components/map/listing-summary';
import { photoSources, shownPhotos } from '@/server/contract/photos';
import type { Listing } from '@/server/core/listing';

/**
 * The head of a home's card on /saved and /host: its first photo and its title, both linking
 * to its page, and what it is and where; `children` follow in the card's body (prices,
 * status). The photo link is hidden from screen readers: the title says where it goes.
 */
export function HomeCardHead({ listing: l, children }: { listing: Listing; children?: ReactNode }) {
  const facts = useListingFacts();
  const href = `/listings/${encodeURIComponent(l.id)}`;
  // Only photos stored here: another site's URL is neither fetched by the page nor allowed by its CSP.
  const photo = shownPhotos(l.photos)[0];
  return (
    <>
      <a className="saved-photo" href={href} tabIndex={-1} aria-hidden="true">
        {photo ? <img {...photoSources(photo)} sizes="160px" alt="" width={160} height={120} loading="lazy" referrerPolicy="no-referrer" /> : <span className="saved-photo-empty">⌂</span>}
      </a>
      <div className="saved-body">
        <a className="saved-title" href={href}>
          {l.title}
        </a>
        <p className="muted">{[facts(l), l.neighbourhood || l.district].filter(Boolean).join(' · ')}</p>
        {children}
      </div>
    </>
  );
}
