'use client';

import Link from 'next/link';
import { useState } from 'react';
import { RequestError } from '@/components/account/api-request';
import { SiteHeader } from '@/components/account/site-header';
import { useI18n } from '@/components/i18n/i18n';
import { channelsApi } from './channels-api';

/**
 * Where an alert mail's "unsubscribe" link lands. Opening it changes nothing (mail scanners
 * follow links); the button makes the same one-click POST a mail program makes (RFC 8058).
 */
export function UnsubscribePage({ token }: { token: string }) {
  const { t } = useI18n();
  const [state, setState] = useState<'ready' | 'busy' | 'done' | 'invalid' | 'failed'>(token ? 'ready' : 'invalid');
  const stop = () => {
    setState('busy');
    channelsApi
      .unsubscribeMail(token)
      .then(() => setState('done'))
      .catch((e: unknown) => setState(e instanceof RequestError && e.status < 500 && e.status !== 429 ? 'invalid' : 'failed'));
  };
  return (
    <>
      <SiteHeader />
      <main className="page narrow unsubscribe-page" data-testid="unsubscribe-page">
        <h1>{t('unsubscribeTitle')}</h1>
        {state === 'done' ? (
          <>
            <p role="status" data-testid="unsubscribe-done">
              {t('unsubscribeDone')}
            </p>
            <Link href="/saved">{t('unsubscribeManage')}</Link>
          </>
        ) : state === 'invalid' ? (
          <>
            <p role="alert" className="form-error" data-testid="unsubscribe-invalid">
              {t('unsubscribeInvalid')}
            </p>
            <Link href="/saved">{t('unsubscribeManage')}</Link>
          </>
        ) : (
          <>
            <p>{t('unsubscribeBody')}</p>
            {state === 'failed' && (
              <p role="alert" className="form-error">
                {t('unsubscribeFailed')}
              </p>
            )}
            <button type="button" className="primary wide" onClick={stop} disabled={state === 'busy'} data-testid="unsubscribe-confirm">
              {state === 'busy' ? t('unsubscribing') : t('unsubscribeButton')}
            </button>
          </>
        )}
      </main>
    </>
  );
}
