'use client';

import Link from 'next/link';
import { useI18n } from '@/components/i18n/i18n';
import { useListingFacts } from '@/components/map/listing-summary';
import type { Listing } from '@/server/core/listing';

/** Homes of the same kind and about the same price a few streets away. */
export function SimilarHomes({ homes }: { homes: Listing[] }) {
  const { t, listingPrice } = useI18n();
  const facts = useListingFacts();
  if (homes.length === 0) return null;
  return (
    <section className="listing-section" aria-labelledby="similar-homes">
      <h2 id="similar-homes">{t('similarHomes')}</h2>
      <ul className="similar-homes" data-testid="similar-homes">
        {homes.map((h) => (
          <li key={h.id}>
            <Link href={`/listings/${encodeURIComponent(h.id)}`} className="similar-home">
              <span className="similar-title">{h.title}</span>
              <span className="similar-price">{listingPrice(h)}</span>
              <span className="similar-facts">
                {facts(h)}
                {h.neighbourhood ? ` · ${h.neighbourhood}` : ''}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
