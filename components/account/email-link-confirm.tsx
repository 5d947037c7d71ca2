'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import type { AccountJson } from '@/server/contract/accounts';
import { accountApi } from './account-api';
import { useAccount } from './account-context';
import { RequestError } from './api-request';
import { SiteHeader } from './site-header';

/**
 * The sign-in link's page: one button spends the token on this device. In a browser other
 * than the one that asked for the link, the server also wants the address it was mailed to
 * (someone else's link, sent on, must not sign this browser in to their account).
 */
export function EmailLinkConfirm({ token }: { token: string }) {
  const { t } = useI18n();
  const { changed, askSignIn } = useAccount();
  const [state, setState] = useState<'ready' | 'busy' | 'invalid' | 'address' | 'wrong-address' | AccountJson>(token ? 'ready' : 'invalid');
  const [email, setEmail] = useState('');
  const confirm = (typed?: string) => {
    setState('busy');
    accountApi
      .verify(token, typed)
      .then((account) => {
        changed(account);
        setState(account);
      })
      .catch((e: unknown) => setState(e instanceof RequestError && e.field === 'email' ? (typed === undefined ? 'address' : 'wrong-address') : 'invalid'));
  };
  const asking = state === 'address' || state === 'wrong-address' || (state === 'busy' && email !== '');
  return (
    <>
      <SiteHeader />
      <main className="page narrow auth-page" data-testid="email-link-page">
        <h1>{t('confirmSignInTitle')}</h1>
        {asking ? (
          <form
            className="sign-in-form"
            onSubmit={(e) => {
              e.preventDefault();
              confirm(email.trim());
            }}
          >
            <p id="link-address-why">{t('linkOtherBrowser')}</p>
            <label className="form-field">
              <span>{t('email')}</span>
              <input
                type="email"
                autoComplete="email"
                required
                autoFocus
                value={email}
                onChange={(e) => setEmail(e.target.value)}
                aria-describedby="link-address-why"
                aria-invalid={state === 'wrong-address'}
                data-testid="link-email"
              />
            </label>
            {state === 'wrong-address' && (
              <p role="alert" className="form-error">
                {t('linkWrongAddress')}
              </p>
            )}
            <button type="submit" className="primary wide" disabled={state === 'busy' || email.trim() === ''} data-testid="confirm-sign-in">
              {state === 'busy' ? t('signingIn') : t('confirmSignIn')}
            </button>
          </form>
        ) : state === 'ready' || state === 'busy' ? (
          <>
            <p>{t('confirmSignInBody')}</p>
            <button type="button" className="primary wide" onClick={() => confirm()} disabled={state === 'busy'} data-testid="confirm-sign-in">
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
