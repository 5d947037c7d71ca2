'use client';

import Link from 'next/link';
import { useI18n } from '@/components/i18n/i18n';
import { savedSearchHref } from '@/components/saved/saved-search-link';
import type { SavedSearchJson } from './alerts-api';
import type { Toast } from './toast-policy';

/**
 * Live alerts as they arrive: a short-lived card for one home, or one card that counts a
 * burst of one search's homes ("12 new homes in Brooklyn") and opens that search.
 */
export function AlertToasts({ toasts, searches, onDismiss }: { toasts: Toast[]; searches: SavedSearchJson[]; onDismiss(id: number): void }) {
  const { t, price, listingPrice, number } = useI18n();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((card) => {
        const { alert: a, searchNames, homes, place } = card;
        const grouped = homes.length > 1;
        const search = place.kind === 'search' ? searches.find((s) => s.id === place.searchId) : undefined;
        const where = place.kind === 'favourites' ? t('savedHomes') : place.name;
        return (
          <div key={card.id} className={grouped ? 'toast toast-group' : 'toast'} role="status" data-testid="alert-toast" data-homes={homes.length}>
            <span className={`alert-reason reason-${a.reason}`}>{t(`reason_${a.reason}`)}</span>
            {grouped ? (
              <>
                {/* A whole load: the map takes its view from the URL when it opens. */}
                <a href={search ? savedSearchHref(search) : place.kind === 'favourites' ? '/saved' : `/listings/${encodeURIComponent(a.listing.id)}`} className="toast-title" data-testid="toast-group-title">
                  {t(`toastGroup_${a.reason}`, { n: number(homes.length), place: where })}
                </a>
                <span className="alert-meta toast-latest">{t('toastLatest', { title: a.listing.title })}</span>
              </>
            ) : (
              <>
                <Link href={`/listings/${encodeURIComponent(a.listing.id)}`} className="toast-title">
                  {a.listing.title}
                </Link>
                <span className="alert-meta">
                  {a.previousPrice !== undefined && (
                    <>
                      <s className="price-was">{price(a.previousPrice, a.listing.currency)}</s> →{' '}
                    </>
                  )}
                  {listingPrice(a.listing)}
                </span>
                {searchNames.length > 0 && (
                  <span className="alert-searches" data-testid="toast-searches">
                    {searchNames.join(' · ')}
                  </span>
                )}
              </>
            )}
            <button type="button" className="card-close" aria-label={t('close')} onClick={() => onDismiss(card.id)}>
              ×
            </button>
          </div>
        );
      })}
    </div>
  );
}
