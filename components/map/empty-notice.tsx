'use client';

import { useI18n } from '@/components/i18n/i18n';
import type { ViewState } from './view-state';

type FilterName = 'price' | 'type' | 'beds' | 'baths' | 'guests' | 'amenities' | 'q' | 'area';

/** The filters a view has set, each with the change that removes it. */
function activeFilters(v: ViewState): { name: FilterName; clear: Partial<ViewState> }[] {
  const out: { name: FilterName; clear: Partial<ViewState> }[] = [];
  if (v.priceMin !== undefined || v.priceMax !== undefined) out.push({ name: 'price', clear: { priceMin: undefined, priceMax: undefined } });
  if (v.types) out.push({ name: 'type', clear: { types: undefined } });
  if (v.bedsMin !== undefined) out.push({ name: 'beds', clear: { bedsMin: undefined } });
  if (v.bathsMin !== undefined) out.push({ name: 'baths', clear: { bathsMin: undefined } });
  if (v.guestsMin !== undefined) out.push({ name: 'guests', clear: { guestsMin: undefined } });
  if (v.amenities) out.push({ name: 'amenities', clear: { amenities: undefined } });
  if (v.q) out.push({ name: 'q', clear: { q: undefined } });
  if (v.polygon) out.push({ name: 'area', clear: { polygon: undefined } });
  return out;
}

const LABEL = { price: 'filterPrice', type: 'filterType', beds: 'filterBeds', baths: 'filterBaths', guests: 'filterGuests', amenities: 'filterAmenities', q: 'filterKeywords', area: 'filterArea' } as const;

/**
 * "No homes here" that says why: the filters that are set, a button to drop each, and a
 * zoom out when none is set and the view is simply empty.
 */
export function EmptyNotice({ view, onChange, onZoomOut }: { view: ViewState; onChange(patch: Partial<ViewState>): void; onZoomOut(): void }) {
  const { t, locale } = useI18n();
  const active = activeFilters(view);
  const names = active.map((f) => t(LABEL[f.name]));
  const list = new Intl.ListFormat(locale === 'zh' ? 'zh-CN' : 'en', { type: 'conjunction' }).format(names);
  return (
    <div className="map-notice empty-notice" role="status" data-testid="empty">
      <p>{active.length > 0 ? t('emptyFiltered', { filters: list }) : t('emptyArea')}</p>
      <div className="notice-actions">
        {active.map((f) => (
          <button key={f.name} type="button" onClick={() => onChange(f.clear)} data-testid={`widen-${f.name}`}>
            {t('widen', { filter: t(LABEL[f.name]) })}
          </button>
        ))}
        <button type="button" onClick={onZoomOut} data-testid="zoom-out">
          {t('zoomOut')}
        </button>
      </div>
    </div>
  );
}
