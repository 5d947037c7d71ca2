'use client';

import { useI18n } from '@/components/i18n/i18n';
import { LOCALES, type Locale } from '@/components/i18n/messages';
import { LISTING_TYPES as TYPES, type ListingType } from '@/server/core/listing-types';
import type { SortOrder, ViewState } from './view-state';

const PRICE_STEPS = [500, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10000];
const BED_STEPS = [1, 2, 3, 4];

function PriceSelect(props: { label: string; value: number | undefined; onChange(v: number | undefined): void; testId: string }) {
  const { t, price } = useI18n();
  return (
    <label className="field">
      <span>{props.label}</span>
      <select
        value={props.value ?? ''}
        onChange={(e) => props.onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        data-testid={props.testId}
      >
        <option value="">{t('anyPrice')}</option>
        {PRICE_STEPS.map((p) => (
          <option key={p} value={p}>
            {price(p)}
          </option>
        ))}
      </select>
    </label>
  );
}

export interface FilterBarProps {
  view: ViewState;
  onChange(patch: Partial<ViewState>): void;
}

/** Price range, type, bedrooms and sort: native controls, so keyboards and readers just work. */
export function FilterBar({ view, onChange }: FilterBarProps) {
  const { t, locale, setLocale } = useI18n();
  const optional = (v: string) => (v === '' ? undefined : Number(v));
  const toggleType = (type: ListingType) => {
    const current = view.types ?? [...TYPES];
    const next = current.includes(type) ? current.filter((x) => x !== type) : [...current, type];
    onChange({ types: next.length === 0 || next.length === TYPES.length ? undefined : TYPES.filter((x) => next.includes(x)) });
  };
  const active = (type: ListingType) => !view.types || view.types.includes(type);
  return (
    <form className="filter-bar" role="search" aria-label={t('filters')} onSubmit={(e) => e.preventDefault()}>
      <PriceSelect label={t('priceFrom')} value={view.priceMin} onChange={(priceMin) => onChange({ priceMin })} testId="price-min" />
      <PriceSelect label={t('priceTo')} value={view.priceMax} onChange={(priceMax) => onChange({ priceMax })} testId="price-max" />
      <fieldset className="field types">
        <legend>{t('type')}</legend>
        {TYPES.map((type) => (
          <button
            key={type}
            type="button"
            className="chip"
            aria-pressed={active(type)}
            onClick={() => toggleType(type)}
            data-testid={`type-${type}`}
          >
            {t(`type_${type}`)}
          </button>
        ))}
      </fieldset>
      <label className="field">
        <span>{t('beds')}</span>
        <select value={view.bedsMin ?? ''} onChange={(e) => onChange({ bedsMin: optional(e.target.value) })} data-testid="beds-min">
          <option value="">{t('bedsAny')}</option>
          {BED_STEPS.map((n) => (
            <option key={n} value={n}>
              {t('bedsAtLeast', { n })}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('sort')}</span>
        <select value={view.sort} onChange={(e) => onChange({ sort: e.target.value as SortOrder })} data-testid="sort">
          <option value="newest">{t('sort_newest')}</option>
          <option value="price">{t('sort_price')}</option>
        </select>
      </label>
      <label className="field language">
        <span>{t('language')}</span>
        <select value={locale} onChange={(e) => setLocale(e.target.value as Locale)} data-testid="language">
          {LOCALES.map((l) => (
            <option key={l} value={l}>
              {l === 'en' ? 'English' : '简体中文'}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
