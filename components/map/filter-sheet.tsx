'use client';

import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { useDismiss } from '@/components/ui/use-dismiss';
import { extraFilterCount } from './extra-filter-fields';
import type { ViewState } from './view-state';

/** How many filters a view has set, for the button's badge. */
function activeCount(v: ViewState): number {
  return [v.priceMin !== undefined || v.priceMax !== undefined, v.types !== undefined, v.bedsMin !== undefined, extraFilterCount(v) > 0, !!v.q, !!v.polygon].filter(Boolean).length;
}

/**
 * Every filter is rendered once, in the bar. On a desktop the bar shows the main ones in
 * the header and the button opens "More filters": the same bar as a dialog with all of
 * them (what does not fit the header is marked .more-only). On a phone the button reads
 * "Filters" and the bar is a bottom sheet. Escape and Back close it (useDismiss), and a
 * filter changed inside it stays when it closes.
 */
export function FilterSheet({ view, total, children }: { view: ViewState; total: number | null; children: ReactNode }) {
  const { t, number } = useI18n();
  const [open, setOpen] = useState(false);
  useDismiss(open, () => setOpen(false));
  const sheet = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  // Opened, the first control takes the focus; closed, the button has it back.
  useEffect(() => {
    if (!open) return;
    sheet.current?.querySelector<HTMLElement>('select, button, input')?.focus();
    const back = button.current;
    return () => back?.focus();
  }, [open]);
  const n = activeCount(view);
  return (
    <>
      <div ref={sheet} className={open ? 'filter-sheet open' : 'filter-sheet'} role={open ? 'dialog' : undefined} aria-modal={open || undefined} aria-label={t('filters')} data-testid="filter-sheet">
        {open && <h2 className="sheet-title">{t('filters')}</h2>}
        {children}
        <button type="button" className="sheet-done" onClick={() => setOpen(false)} data-testid="filters-done">
          {total !== null ? t('showHomes', { count: number(total) }) : t('close')}
        </button>
      </div>
      <button type="button" className="filters-button" aria-expanded={open} aria-haspopup="dialog" onClick={() => setOpen(true)}
        ref={button} data-testid="filters-button">
        <span className="label-phone">{t('filtersButton')}</span>
        <span className="label-desk">{t('moreFilters')}</span>
        {n > 0 && <span className="filters-badge">{n}</span>}
      </button>
      {open && <div className="sheet-backdrop" onClick={() => setOpen(false)} aria-hidden="true" />}
    </>
  );
}
