'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import type { AccountJson } from '@/server/contract/accounts';
import { accountApi } from './account-api';
import { useAccount } from './account-context';
import { SiteHeader } from './site-header';

/** The sign-in link's page: one button spends the token on this device. */
export function EmailLinkConfirm({ token }: { token: string }) {
  const { t } = useI18n();
  const { changed, askSignIn } = useAccount();
  const [state, setState] = useState<'ready' | 'busy' | 'invalid' | AccountJson>(token ? 'ready' : 'invalid');
  const confirm = () => {
    setState('busy');
    accountApi
      .verify(token)
      .then((account) => {
        changed(account);
        setState(account);
      })
      .catch(() => setState('invalid'));
  };
  return (
    <>
      <SiteHeader />
      <main className="page narrow auth-page" data-testid="email-link-page">
        <h1>{t('confirmSignInTitle')}</h1>
        {state === 'ready' || state === 'busy' ? (
          <>
            <p>{t('confirmSignInBody')}</p>
            <button type="button" className="primary wide" onClick={confirm} disabled={state === 'busy'} data-testid="confirm-sign-in">
              {state === 'busy' ? t('signingIn') : t('confirmSignIn')}
            </button>
          </>
        ) : state === 'invalid' ? (
          <>
            <p role="alert" className="form-error">
              {t('linkInvalid')}
            </p>
            <button type="button" className="primary" onClick={() => askSignIn()}>
              {t('askNewLink')}
            </button>
          </>
        ) : (
          <>
            <p role="status" data-testid="signed-in-as">
              {t('signedInAs', { name: state.name })}
            </p>
            <p className="link-row">
              <a className="primary" href="/">
                {t('goToMap')}
              </a>
              <a href="/saved">{t('savedPage')}</a>
            </p>
          </>
        )}
      </main>
    </>
  );
}
