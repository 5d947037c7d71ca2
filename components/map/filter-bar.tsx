'use client';

import { useI18n } from '@/components/i18n/i18n';
import { LOCALES, type Locale } from '@/components/i18n/messages';
import { LISTING_TYPES as TYPES, type ListingType } from '@/server/core/listing-types';
import { ExtraFilterFields, extraFilterCount } from './extra-filter-fields';
import { PriceHistogram, type PriceHistogramResponse } from './price-histogram';
import type { SortOrder, ViewState } from './view-state';
import type { PriceUnit } from '@/server/contract/search-prices';

/** Monthly rents in dollars: the steps when the market's range is not known. */
const PRICE_STEPS = [500, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10000];
const BED_STEPS = [1, 2, 3, 4];

function PriceSelect(props: { label: string; value: number | undefined; steps: number[]; unit: PriceUnit | null; onChange(v: number | undefined): void; testId: string }) {
  const { t, price: money, number } = useI18n();
  // A view of two currencies has no one unit for a price bound: the choices are bare amounts.
  const price = (n: number) => (props.unit ? money(n, props.unit.currency) : number(n));
  return (
    <label className="field">
      <span>{props.label}</span>
      <select
        value={props.value ?? ''}
        onChange={(e) => props.onChange(e.target.value === '' ? undefined : Number(e.target.value))}
        data-testid={props.testId}
      >
        <option value="">{t('anyPrice')}</option>
        {/* A value from the URL that is not a step still shows as chosen. */}
        {(props.value !== undefined && !props.steps.includes(props.value) ? [...props.steps, props.value].sort((a, b) => a - b) : props.steps).map((p) => (
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
  /** Round prices across the market's range (MarketOverview); empty: dollar rents. */
  priceSteps: number[];
  /** The view's one currency and period (its search answer's units); null when it mixes them. */
  priceUnit: PriceUnit | null;
  /** How the homes in view spread over prices, drawn beside the price choices. */
  histogram: PriceHistogramResponse | null;
  onChange(patch: Partial<ViewState>): void;
  /** Drops every filter (and the drawn area); the view stays. */
  onClear(): void;
}

/** Price range, type, bedrooms and sort: native controls, so keyboards and readers just work. */
export function FilterBar({ view, priceSteps, priceUnit, histogram, onChange, onClear }: FilterBarProps) {
  const { t, locale, setLocale } = useI18n();
  const optional = (v: string) => (v === '' ? undefined : Number(v));
  const steps = priceSteps.length > 0 ? priceSteps : PRICE_STEPS;
  // Chips select, as on every portal: none pressed is every type, pressing one narrows to it.
  const toggleType = (type: ListingType) => {
    const current = view.types ?? [];
    const next = current.includes(type) ? current.filter((x) => x !== type) : [...current, type];
    onChange({ types: next.length === 0 || next.length === TYPES.length ? undefined : TYPES.filter((x) => next.includes(x)) });
  };
  const active = (type: ListingType) => view.types?.includes(type) ?? false;
  const filtered =
    view.priceMin !== undefined || view.priceMax !== undefined || view.types !== undefined || view.bedsMin !== undefined || extraFilterCount(view) > 0 || !!view.q || !!view.polygon;
  return (
    <form className="filter-bar" role="search" aria-label={t('filters')} onSubmit={(e) => e.preventDefault()}>
      <div className="more-only histogram-field">
        <PriceHistogram data={histogram} priceMin={view.priceMin} priceMax={view.priceMax} unit={priceUnit} />
      </div>
      <PriceSelect label={t('priceFrom')} value={view.priceMin} steps={steps} unit={priceUnit} onChange={(priceMin) => onChange({ priceMin })} testId="price-min" />
      <PriceSelect label={t('priceTo')} value={view.priceMax} steps={steps} unit={priceUnit} onChange={(priceMax) => onChange({ priceMax })} testId="price-max" />
      <fieldset className="field types more-only">
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
      <label className="field more-only">
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
      {/* The new filters (h-filters): in "More filters" on a desktop, in the sheet on a phone. */}
      <div className="more-only extra-filters">
        <ExtraFilterFields value={view} onChange={onChange} />
      </div>
      <label className="field more-small">
        <span>{t('sort')}</span>
        <select value={view.sort} onChange={(e) => onChange({ sort: e.target.value as SortOrder })} data-testid="sort">
          <option value="newest">{t('sort_newest')}</option>
          <option value="price">{t('sort_price')}</option>
          <option value="price_desc">{t('sort_price_desc')}</option>
          <option value="price_cut">{t('sort_price_cut')}</option>
        </select>
      </label>
      {filtered && (
        <button type="button" className="clear-filters" onClick={onClear} data-testid="clear-filters">
          {t('clearFilters')}
        </button>
      )}
      <label className="field language more-narrow">
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
