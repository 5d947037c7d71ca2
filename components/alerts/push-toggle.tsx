'use client';

import { useI18n } from '@/components/i18n/i18n';
import type { usePush } from './use-push';

/**
 * This device's notifications: the one button that asks the browser's permission, or says
 * why it cannot; and, once on, the button that turns them off again.
 */
export function PushToggle({ push, onOn }: { push: ReturnType<typeof usePush>; onOn?: () => void }) {
  const { t } = useI18n();
  const { state, busy, error } = push;
  if (state === 'loading') return null;
  return (
    <div className="channel-aside push-toggle" data-testid="push-toggle" data-state={state}>
      {state === 'unsupported' ? (
        <span className="muted">{t('pushUnsupported')}</span>
      ) : state === 'denied' ? (
        <span className="muted">{t('pushBlocked')}</span>
      ) : state === 'off' ? (
        <button type="button" className="link-button" disabled={busy} onClick={() => void push.turnOn().then((ok) => ok && onOn?.())} data-testid="push-on">
          {busy ? t('pushTurningOn') : t('pushTurnOn')}
        </button>
      ) : (
        <>
          <span>{t('pushIsOn')}</span>{' '}
          <button type="button" className="link-button" disabled={busy} onClick={() => void push.turnOff()} data-testid="push-off">
            {t('pushTurnOff')}
          </button>
        </>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error === 'denied' ? t('pushBlocked') : t('pushFailed', { reason: error })}
        </p>
      )}
    </div>
  );
}
