'use client';

import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { extraFilterCount } from './extra-filter-fields';
import type { ViewState } from './view-state';

/** How many filters a view has set, for the button's badge. */
function activeCount(v: ViewState): number {
  return [v.priceMin !== undefined || v.priceMax !== undefined, v.types !== undefined, v.bedsMin !== undefined, extraFilterCount(v) > 0, !!v.q, !!v.polygon].filter(Boolean).length;
}

/**
 * On a phone the filters live in a bottom sheet behind one button, every control in
 * thumb's reach; Escape and the back gesture close it (opening pushes a history entry, so
 * "back" pops the sheet, not the page). On a desktop the same markup is the inline bar:
 * CSS alone decides, so the controls are rendered once.
 */
export function FilterSheet({ view, total, children }: { view: ViewState; total: number | null; children: ReactNode }) {
  const { t, number } = useI18n();
  const [open, setOpen] = useState(false);
  const close = useCallback(() => {
    setOpen(false);
    // Pop the sheet's own entry only while it is current: a filter changed in the sheet
    // pushed the view after it, and going back then would undo that filter.
    if ((window.history.state as { roostSheet?: boolean } | null)?.roostSheet) window.history.back();
  }, []);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    const onPop = () => setOpen(false);
    window.addEventListener('keydown', onKey);
    window.addEventListener('popstate', onPop);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('popstate', onPop);
    };
  }, [open, close]);
  const n = activeCount(view);
  return (
    <>
      <button
        type="button"
        className="filters-button"
        aria-expanded={open}
        onClick={() => {
          window.history.pushState({ roostSheet: true }, '', window.location.href);
          setOpen(true);
        }}
        data-testid="filters-button"
      >
        {t('filtersButton')}
        {n > 0 && <span className="filters-badge">{n}</span>}
      </button>
      <div className={open ? 'filter-sheet open' : 'filter-sheet'} role={open ? 'dialog' : undefined} aria-modal={open || undefined} aria-label={t('filters')} data-testid="filter-sheet">
        {children}
        <button type="button" className="sheet-done" onClick={close} data-testid="filters-done">
          {total !== null ? t('showHomes', { count: number(total) }) : t('close')}
        </button>
      </div>
      {open && <div className="sheet-backdrop" onClick={close} aria-hidden="true" />}
    </>
  );
}
