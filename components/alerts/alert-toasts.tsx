'use client';

import Link from 'next/link';
import { useI18n } from '@/components/i18n/i18n';
import type { Toast } from './use-alerts';

/** Live alerts as they arrive: a short-lived card each, linking to the home. */
export function AlertToasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss(id: number): void }) {
  const { t, price, listingPrice } = useI18n();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map(({ alert: a, searchNames }) => (
        <div key={a.id} className="toast" role="status" data-testid="alert-toast">
          <span className={`alert-reason reason-${a.reason}`}>{t(`reason_${a.reason}`)}</span>
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
          <button type="button" className="card-close" aria-label={t('close')} onClick={() => onDismiss(a.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
