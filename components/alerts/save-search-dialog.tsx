'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { useDismiss } from '@/components/ui/use-dismiss';
import type { Filters } from '@/server/engine/search-engine';
import { DEFAULT_CHANNELS, type ChannelChoice } from '@/server/contract/alert-channels';
import { ALERT_REASONS, alertsApi, type AlertReason, type SavedSearchJson } from './alerts-api';
import { ChannelPicker } from './channel-picker';
import { channelFields } from './channels-api';
import { filtersJson } from '@/server/contract/filters';

export interface SaveSearchDialogProps {
  /** The view the map shows now. */
  bbox: [number, number, number, number] | null;
  filters: Filters;
  /** An area the renter drew, when they chose to draw. */
  polygon: [number, number][] | null;
  defaultName: string;
  onDraw(): void;
  onSaved(s: SavedSearchJson): void;
  onClose(): void;
}

/** "Save this search": a name, the view or a drawn area, which changes to hear of and where. */
export function SaveSearchDialog({ bbox, filters, polygon, defaultName, onDraw, onSaved, onClose }: SaveSearchDialogProps) {
  const { t } = useI18n();
  // Follows the suggested name (it improves as the list loads) until the renter types one.
  const [typed, setName] = useState<string | null>(null);
  const name = typed ?? defaultName;
  const [notify, setNotify] = useState<AlertReason[]>([...ALERT_REASONS]);
  const [choice, setChoice] = useState<ChannelChoice>(DEFAULT_CHANNELS);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  /** Saved, but the server changed the email asked for: said before the dialog closes. */
  const [noted, setNoted] = useState<SavedSearchJson | null>(null);
  const area = polygon ? { polygon } : bbox ? { bbox } : null;
  // Escape and Back close the dialog wherever the focus is (Back no longer leaves the page);
  // the header's popovers close when it opens.
  useDismiss(true, onClose, 'header-popover');
  const save = () => {
    if (!area) return;
    setSaving(true);
    alertsApi
      .create({ name: name.trim() || defaultName, ...area, filters: filtersJson(filters), notify, ...channelFields(choice) })
      .then((s) => (s.emailNote ? setNoted(s) : onSaved(s)))
      .catch((e: Error) => setError(e.message))
      .finally(() => setSaving(false));
  };
  if (noted) {
    return (
      <div className="popover save-dialog" role="dialog" aria-label={t('saveSearch')} data-testid="save-dialog">
        <h2 className="popover-title">{t('saved', { name: noted.name })}</h2>
        <p className="channel-note" data-testid="email-note">
          {t('emailTooWide')}
        </p>
        <div className="form-actions">
          <button type="button" className="primary" onClick={() => onSaved(noted)} data-testid="save-done">
            {t('ok')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="popover save-dialog" role="dialog" aria-label={t('saveSearch')} data-testid="save-dialog">
      <h2 className="popover-title">{t('saveSearch')}</h2>
      <label className="form-field">
        <span>{t('searchName')}</span>
        <input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} data-testid="save-name" />
      </label>
      <fieldset className="form-field">
        <legend>{t('searchArea')}</legend>
        <p className="area-choice">{polygon ? t('areaDrawnPoints', { n: polygon.length - 1 }) : t('areaView')}</p>
        <button type="button" className="link-button" onClick={onDraw} data-testid="draw-area">
          {polygon ? t('drawAgain') : t('drawArea')}
        </button>
      </fieldset>
      <fieldset className="form-field">
        <legend>{t('tellMeWhen')}</legend>
        {ALERT_REASONS.map((r) => (
          <label key={r} className="check">
            <input
              type="checkbox"
              checked={notify.includes(r)}
              onChange={(e) => setNotify((cur) => (e.target.checked ? [...cur, r] : cur.filter((x) => x !== r)))}
            />
            {t(`notify_${r}`)}
          </label>
        ))}
      </fieldset>
      <ChannelPicker value={choice} onChange={setChoice} />
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="form-actions">
        <button type="button" className="link-button" onClick={onClose}>
          {t('cancel')}
        </button>
        <button type="button" className="primary" disabled={!area || notify.length === 0 || saving} onClick={save} data-testid="save-confirm">
          {t('save')}
        </button>
      </div>
    </div>
  );
}
