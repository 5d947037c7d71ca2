'use client';

import { useI18n } from '@/components/i18n/i18n';
import type { Listing } from '@/server/core/listing';
import type { PricePoint } from '@/server/engine/search-engine';

/** Each price the home has asked, newest first, with how it moved: from the change log. */
export function PriceHistory({ listing, history }: { listing: Listing; history: PricePoint[] }) {
  const { t, price, date } = useI18n();
  if (history.length === 0) return null;
  const rows = history.map((p, i) => ({ ...p, change: i === 0 ? 0 : p.price - history[i - 1]!.price })).reverse();
  return (
    <section className="listing-section" aria-labelledby="price-history">
      <h2 id="price-history">{t('priceHistory')}</h2>
      <ol className="price-history" data-testid="price-history">
        {rows.map((p) => (
          <li key={p.at}>
            <span className="history-date">{date(p.at)}</span>
            <span className="history-price">{price(p.price, listing.currency)}</span>
            <span className={p.change < 0 ? 'history-change down' : p.change > 0 ? 'history-change up' : 'history-change'}>
              {p.change === 0 ? t('listed') : `${p.change < 0 ? '↓' : '↑'} ${price(Math.abs(p.change), listing.currency)}`}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
