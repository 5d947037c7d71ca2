'use client';

import { useI18n } from '@/components/i18n/i18n';
import { AMENITY_KEYS, type AmenityKey } from '@/server/core/amenities';
import type { Filters } from '@/server/engine/search-engine';

/** The filters this component sets; a field set to undefined is no filter. */
export type ExtraFilters = Pick<Filters, 'bathsMin' | 'guestsMin' | 'amenities'>;

const BATH_STEPS = [1, 1.5, 2, 3];
const GUEST_STEPS = [1, 2, 4, 6, 8];

/** Whether any of these filters is set (for a "More filters" badge or "Clear"). */
export function extraFilterCount(v: ExtraFilters): number {
  return [v.bathsMin !== undefined, v.guestsMin !== undefined, (v.amenities?.length ?? 0) > 0].filter(Boolean).length;
}

/** A select of "at least" steps; a value from the URL that is not a step still shows as chosen. */
function AtLeast(props: { label: string; any: string; value: number | undefined; steps: number[]; format(n: number): string; onChange(v: number | undefined): void; testId: string }) {
  const steps = props.value !== undefined && !props.steps.includes(props.value) ? [...props.steps, props.value].sort((a, b) => a - b) : props.steps;
  return (
    <label className="field">
      <span>{props.label}</span>
      <select value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value === '' ? undefined : Number(e.target.value))} data-testid={props.testId}>
        <option value="">{props.any}</option>
        {steps.map((n) => (
          <option key={n} value={n}>
            {props.format(n)}
          </option>
        ))}
      </select>
    </label>
  );
}

/**
 * Bathrooms, guests and amenities (issue 30): native selects and toggle buttons, so a
 * keyboard reaches and sets each (Tab, arrows, Space/Enter) and a reader announces the
 * pressed state. Amenities are all required: pressing one narrows, pressing it again
 * drops it. Mounted by the map's "More filters" dialog; `onChange` gets only what changed.
 */
export function ExtraFilterFields({ value, onChange }: { value: ExtraFilters; onChange(patch: ExtraFilters): void }) {
  const { t, number } = useI18n();
  const chosen = value.amenities ?? [];
  const toggle = (key: AmenityKey) => {
    const next = chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key];
    onChange({ amenities: next.length === 0 ? undefined : AMENITY_KEYS.filter((k) => next.includes(k)) });
  };
  return (
    <div className="extra-filter-fields" role="group" aria-label={t('moreFiltersFields')} data-testid="extra-filter-fields">
      <AtLeast
        label={t('baths')}
        any={t('bathsAny')}
        value={value.bathsMin}
        steps={BATH_STEPS}
        format={(n) => t('bathsAtLeast', { n: number(n) })}
        onChange={(bathsMin) => onChange({ bathsMin })}
        testId="baths-min"
      />
      <AtLeast
        label={t('guests')}
        any={t('guestsAny')}
        value={value.guestsMin}
        steps={GUEST_STEPS}
        format={(n) => t('guestsAtLeast', { n: number(n) })}
        onChange={(guestsMin) => onChange({ guestsMin })}
        testId="guests-min"
      />
      <fieldset className="field types amenities">
        <legend>{t('amenities')}</legend>
        {AMENITY_KEYS.map((key) => (
          <button key={key} type="button" className="chip" aria-pressed={chosen.includes(key)} onClick={() => toggle(key)} data-testid={`amenity-${key}`}>
            {t(`amenity_${key}`)}
          </button>
        ))}
      </fieldset>
    </div>
  );
}
