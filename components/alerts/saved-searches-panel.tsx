'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { useDismiss } from '@/components/ui/use-dismiss';
import { alertsApi, type SavedSearchJson } from './alerts-api';

export interface SavedSearchesPanelProps {
  searches: SavedSearchJson[];
  onChange(next: SavedSearchJson[]): void;
  /** Open the search on the map: its filters, its drawn area, its place. */
  onShow(search: SavedSearchJson): void;
}

/** The renter's saved searches: rename, pause or resume, delete. */
export function SavedSearchesPanel({ searches, onChange, onShow }: SavedSearchesPanelProps) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  // Escape and Back close it; it and the other header popovers are never open together.
  useDismiss(open, () => setOpen(false), 'header-popover');
  const [error, setError] = useState<string | null>(null);
  const replace = (s: SavedSearchJson) => onChange(searches.map((x) => (x.id === s.id ? s : x)));
  const act = (p: Promise<unknown>) => p.then(() => setError(null)).catch((e: Error) => setError(e.message));
  return (
    <div className="popover-anchor">
      <button type="button" className="icon-button text" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="saved-searches">
        {t('savedSearches', { count: searches.length })}
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label={t('savedSearchesTitle')}>
          <h2 className="popover-title">{t('savedSearchesTitle')}</h2>
          {error && <p className="form-error" role="alert">{error}</p>}
          {searches.length === 0 ? (
            <p className="popover-empty">{t('savedSearchesEmpty')}</p>
          ) : (
            <ul className="popover-list">
              {searches.map((s) => (
                <li key={s.id} className="saved-row" data-testid="saved-row">
                  <input
                    className="saved-name"
                    aria-label={t('rename')}
                    defaultValue={s.name}
                    maxLength={100}
                    onBlur={(e) => {
                      const name = e.target.value.trim();
                      if (name && name !== s.name) act(alertsApi.update(s.id, { name }).then(replace));
                    }}
                  />
                  <span className="saved-kind">{s.polygon ? t('areaDrawn') : t('areaView')}</span>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => {
                      setOpen(false);
                      onShow(s);
                    }}
                    data-testid="show-saved"
                  >
                    {t('showOnMap')}
                  </button>
                  <button type="button" className="link-button" onClick={() => act(alertsApi.update(s.id, { paused: !s.paused }).then(replace))}>
                    {s.paused ? t('resume') : t('pause')}
                  </button>
                  <button
                    type="button"
                    className="link-button danger"
                    onClick={() => act(alertsApi.remove(s.id).then(() => onChange(searches.filter((x) => x.id !== s.id))))}
                  >
                    {t('delete')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
