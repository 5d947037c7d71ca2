'use client';

import Link from 'next/link';
import { useI18n } from '@/components/i18n/i18n';
import type { Listing } from '@/server/core/listing';
import { useListingFacts } from './listing-summary';

export interface ListPanelProps {
  total: number | null;
  listings: Listing[];
  hasMore: boolean;
  loading: boolean;
  expanded: boolean;
  onToggle(): void;
  onMore(): void;
  onHover(id: string | null): void;
}

/** The listings in view, beside the map on a desk, a bottom sheet on a phone. */
export function ListPanel({ total, listings, hasMore, loading, expanded, onToggle, onMore, onHover }: ListPanelProps) {
  const { t, number, listingPrice } = useI18n();
  const facts = useListingFacts();
  return (
    <aside className={expanded ? 'list-panel expanded' : 'list-panel'} aria-label={t('listTitle', { count: number(total ?? 0) })}>
      <button type="button" className="sheet-handle" onClick={onToggle} aria-expanded={expanded}>
        <span data-testid="list-total">{total === null ? t('loading') : t('listTitle', { count: number(total) })}</span>
        <span className="sheet-toggle">{expanded ? t('showMap') : t('showList')}</span>
      </button>
      <ol className="list-rows" data-testid="list">
        {listings.map((l) => (
          <li key={l.id} onMouseEnter={() => onHover(l.id)} onMouseLeave={() => onHover(null)}>
            <Link
              href={`/listings/${encodeURIComponent(l.id)}`}
              className="list-row"
              onFocus={() => onHover(l.id)}
              onBlur={() => onHover(null)}
              data-testid="list-row"
            >
              <span className="row-title">{l.title}</span>
              <span className="row-price">{listingPrice(l)}</span>
              <span className="row-facts">
                {facts(l)}
                {l.neighbourhood ? ` · ${l.neighbourhood}` : ''}
              </span>
            </Link>
          </li>
        ))}
      </ol>
      {hasMore && (
        <button type="button" className="more" onClick={onMore} disabled={loading} data-testid="list-more">
          {loading ? t('loading') : t('loadMore')}
        </button>
      )}
    </aside>
  );
}
