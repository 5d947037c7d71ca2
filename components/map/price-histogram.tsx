'use client';

import { useEffect, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import type { ApiClient } from './search-client';
import type { PriceUnit } from '@/server/contract/search-prices';

/** `GET /api/price-histogram`'s answer. */
export interface PriceHistogramResponse {
  edges: number[];
  counts: number[];
  currency: string;
}

/** After the map settles: the picture is a glance, not worth a request per frame of a pan. */
const HISTOGRAM_DEBOUNCE_MS = 400;

/** The view's price picture, fetched when the view or a filter other than price changes. */
export function usePriceHistogram(api: ApiClient, query: string | null): PriceHistogramResponse | null {
  const [answer, setAnswer] = useState<PriceHistogramResponse | null>(null);
  useEffect(() => {
    if (!query) return;
    const ctrl = new AbortController();
    const path = `/api/price-histogram?${query}`;
    const timer = setTimeout(
      () => {
        api
          .get<PriceHistogramResponse>(path, ctrl.signal)
          .then(setAnswer)
          .catch(() => undefined);
      },
      api.has(path) ? 0 : HISTOGRAM_DEBOUNCE_MS,
    );
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [api, query]);
  return answer;
}

/**
 * How the homes in view spread over prices, as bars under the price choices (the picture
 * Airbnb draws instead of a number): bands inside the chosen range are dark. Read out as
 * one sentence, since a screen reader cannot see bars.
 */
export function PriceHistogram({
  data,
  priceMin,
  priceMax,
  unit,
}: {
  data: PriceHistogramResponse | null;
  priceMin?: number | undefined;
  priceMax?: number | undefined;
  /** The view's one currency and period; null when the view mixes them (amounts then bare numbers). */
  unit?: PriceUnit | null | undefined;
}) {
  const { t, number, price: money } = useI18n();
  if (!data || data.counts.length === 0) return null;
  const { edges, counts } = data;
  const currency = unit === undefined ? data.currency : (unit?.currency ?? null);
  const price = (n: number, code: string | null) => (code ? money(n, code) : number(n));
  const total = counts.reduce((a, b) => a + b, 0);
  const highest = Math.max(1, ...counts);
  const peak = counts.indexOf(Math.max(...counts));
  const upper = (i: number) => edges[i + 1] ?? Infinity;
  const inRange = (i: number) => (priceMin === undefined || upper(i) > priceMin) && (priceMax === undefined || edges[i]! <= priceMax);
  const summary =
    total === 0
      ? t('priceHistogram', { count: '0', from: price(edges[0]!, currency), to: price(edges[0]!, currency) })
      : t('priceHistogram', { count: number(total), from: price(edges[peak]!, currency), to: price(edges[peak + 1] ?? edges[peak]!, currency) });
  return (
    <div className="field price-histogram" data-testid="price-histogram">
      <span aria-hidden="true">{t('pricesInView')}</span>
      <div className="bars" role="img" aria-label={summary} title={summary}>
        {counts.map((c, i) => (
          <i
            key={edges[i]}
            className={inRange(i) ? 'in' : undefined}
            style={{ height: `${c === 0 ? 0 : Math.max(8, (c / highest) * 100)}%` }}
            data-count={c}
          />
        ))}
      </div>
    </div>
  );
}
