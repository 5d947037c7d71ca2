'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import type { ChannelChoice, EmailNote } from '@/server/contract/alert-channels';
import { ChannelPicker } from './channel-picker';

/** "On Roost · Email (daily digest) · This device": where a search's or favourite's alerts go, in a line. */
export function useChannelSummary() {
  const { t } = useI18n();
  return (c: ChannelChoice) =>
    c.channels.map((ch) => (ch === 'email' ? t('channelShort_email', { frequency: t(`frequency_${c.frequency}`) }) : t(`channelShort_${ch}`))).join(' · ');
}

/**
 * A saved search's or favourite's channels on /saved: the choice in a line, opened to
 * change it. A change is saved at once and shown as saved only when the server took it.
 */
export function ChannelSettings({
  value,
  emailNote,
  save,
  testId,
}: {
  value: ChannelChoice;
  emailNote?: EmailNote | undefined;
  /** Resolves with what the server kept, which may differ from what was asked (a search too wide for instant mail). */
  save(next: ChannelChoice): Promise<(Partial<ChannelChoice> & { emailNote?: EmailNote }) | void>;
  testId: string;
}) {
  const { t } = useI18n();
  const summary = useChannelSummary();
  const [shown, setShown] = useState(value);
  const [note, setNote] = useState(emailNote);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const change = (next: ChannelChoice) => {
    const before = shown;
    setShown(next);
    setBusy(true);
    setError(null);
    save(next)
      .then((kept) => {
        if (kept && kept.channels && kept.frequency) {
          setShown({ channels: kept.channels, frequency: kept.frequency });
          setNote(kept.emailNote);
        }
      })
      .catch((e: Error) => {
        setShown(before);
        setError(t('channelsNotSaved', { reason: e.message }));
      })
      .finally(() => setBusy(false));
  };
  return (
    <div className="channel-settings" data-testid={testId}>
      <details>
        <summary>
          <span className="channel-summary-label">{t('alertsGoTo')}</span> <span data-testid="channel-summary">{summary(shown)}</span>
        </summary>
        <ChannelPicker value={shown} onChange={change} disabled={busy} pushToggle={false} />
      </details>
      {note === 'too_wide' && shown.channels.includes('email') && (
        <p className="channel-note" data-testid="email-note">
          {t('emailTooWide')}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
