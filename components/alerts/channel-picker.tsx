'use client';

import { useAccount } from '@/components/account/account-context';
import { useI18n } from '@/components/i18n/i18n';
import type { AlertChannel, ChannelChoice, EmailNote } from '@/server/contract/alert-channels';
import { PushToggle } from './push-toggle';
import { usePush } from './use-push';

export interface ChannelPickerProps {
  value: ChannelChoice;
  onChange(next: ChannelChoice): void;
  emailNote?: EmailNote | undefined;
  disabled?: boolean;
  /** Offer the device's push opt-in here (the save dialog); /saved shows it once for all rows. */
  pushToggle?: boolean;
}

/**
 * Where a search's or a favourite's alerts go: this page, email (at once or a daily
 * digest), this device's notifications. Email needs a signed-in account (its address
 * proved by the sign-in link); push needs this browser opted in, on the renter's press.
 * At least one stays chosen.
 */
export function ChannelPicker({ value, onChange, emailNote, disabled, pushToggle = true }: ChannelPickerProps) {
  const { t } = useI18n();
  const { account, askSignIn } = useAccount();
  const push = usePush();
  const has = (c: AlertChannel) => value.channels.includes(c);
  const toggle = (c: AlertChannel, on: boolean) => {
    const channels = on ? [...value.channels.filter((x) => x !== c), c] : value.channels.filter((x) => x !== c);
    if (channels.length > 0) onChange({ ...value, channels });
  };
  const only = (c: AlertChannel) => has(c) && value.channels.length === 1;
  const signedIn = !!account;
  return (
    <fieldset className="form-field channel-picker" data-testid="channel-picker" disabled={disabled}>
      <legend>{t('channelsLegend')}</legend>
      <label className="check">
        <input type="checkbox" checked={has('page')} disabled={only('page')} onChange={(e) => toggle('page', e.target.checked)} data-testid="channel-page" />
        {t('channel_page')}
      </label>
      <label className="check">
        <input type="checkbox" checked={has('email')} disabled={(!signedIn && !has('email')) || only('email')} onChange={(e) => toggle('email', e.target.checked)} data-testid="channel-email" />
        {t('channel_email')}
      </label>
      {!signedIn && (
        <button type="button" className="link-button channel-aside" onClick={() => askSignIn(t('signInForMail'))} data-testid="channel-email-sign-in">
          {t('signInForMailLink')}
        </button>
      )}
      {has('email') && (
        <div className="channel-frequency" role="radiogroup" aria-label={t('emailHowOften')}>
          {(['instant', 'daily'] as const).map((f) => (
            <label key={f} className="check">
              <input type="radio" name="email-frequency" checked={value.frequency === f} onChange={() => onChange({ ...value, frequency: f })} data-testid={`channel-frequency-${f}`} />
              {t(`frequency_${f}`)}
            </label>
          ))}
        </div>
      )}
      {emailNote === 'too_wide' && has('email') && (
        <p className="channel-note" data-testid="email-note">
          {t('emailTooWide')}
        </p>
      )}
      <label className="check">
        <input type="checkbox" checked={has('push')} disabled={(push.state !== 'on' && !has('push')) || only('push')} onChange={(e) => toggle('push', e.target.checked)} data-testid="channel-push" />
        {t('channel_push')}
      </label>
      {push.state !== 'on' && pushToggle && <PushToggle push={push} onOn={() => toggle('push', true)} />}
      {push.state === 'off' && !pushToggle && !has('push') && <span className="channel-aside muted">{t('pushOptInAbove')}</span>}
    </fieldset>
  );
}
