'use client';

import { useI18n } from '@/components/i18n/i18n';
import { useDismiss } from '@/components/ui/use-dismiss';
import type { Listing } from '@/server/core/listing';
import { useListingFacts } from './listing-summary';

/**
 * The homes at one address (flats of one building), opened from their one tag: cheapest
 * first, each a button that opens its own card. Titles are rendered as text by React.
 */
export function AddressGroupCard({ listings, onPick, onHover, onClose }: { listings: Listing[]; onPick(l: Listing): void; onHover(id: string | null): void; onClose(): void }) {
  const { t, number, listingPrice } = useI18n();
  const facts = useListingFacts();
  // Escape and Back close the card before anything under it.
  useDismiss(true, onClose);
  const sorted = [...listings].sort((a, b) => a.price - b.price || (a.id < b.id ? -1 : 1));
  return (
    <article className="listing-card address-group" aria-label={t('groupTitle', { count: number(listings.length) })} data-testid="address-group">
      <button type="button" className="card-close" onClick={onClose} aria-label={t('close')}>
        ×
      </button>
      <h2 className="card-title">{t('groupTitle', { count: number(listings.length) })}</h2>
      <ul className="group-list">
        {sorted.map((l) => (
          <li key={l.id}>
            <button type="button" onClick={() => onPick(l)} onMouseEnter={() => onHover(l.id)} onMouseLeave={() => onHover(null)} data-testid="group-member">
              <span className="group-title">{l.title}</span>
              <span className="group-facts">{facts(l)}</span>
              <span className="group-price">{listingPrice(l)}</span>
            </button>
          </li>
        ))}
      </ul>
    </article>
  );
}
