'use client';

import { useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import { Modal } from '@/components/ui/modal';
import { accountApi, passkeysAvailable } from './account-api';
import { useAccount } from './account-context';
import { RequestError } from './api-request';

/**
 * Sign in: a link by email (no password), or a passkey; a renter without an account gets
 * one by either. What they kept before signing in comes with them.
 */
export function SignInDialog({ reason, onClose }: { reason?: string; onClose: () => void }) {
  const { t } = useI18n();
  const { changed } = useAccount();
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'email' | 'passkey' | 'signup' | null>(null);
  const passkeys = passkeysAvailable();

  const fail = (e: unknown) => {
    if (e instanceof RequestError && e.status === 429) setError(t('tooManyTries'));
    else if (e instanceof RequestError && e.field === 'email') setError(t('emailInvalid'));
    // The browser's own prompt was dismissed: nothing to say.
    else if (e instanceof Error && e.name === 'NotAllowedError') setError(null);
    else setError(e instanceof Error ? e.message : String(e));
  };
  const sendLink = (e: React.FormEvent) => {
    e.preventDefault();
    setBusy('email');
    setError(null);
    accountApi
      .requestLink(email)
      .then(() => setSentTo(email.trim()))
      .catch(fail)
      .finally(() => setBusy(null));
  };
  const withPasskey = (make: boolean) => {
    setBusy(make ? 'signup' : 'passkey');
    setError(null);
    (make ? accountApi.passkeyRegister() : accountApi.passkeySignIn())
      .then((account) => {
        changed(account);
        onClose();
      })
      .catch(fail)
      .finally(() => setBusy(null));
  };

  return (
    <Modal title={t('signInTitle')} onClose={onClose} testId="sign-in-dialog">
      {reason && <p className="modal-lead">{reason}</p>}
      {sentTo ? (
        <div className="sent" role="status" data-testid="link-sent">
          <p>{t('linkSent', { email: sentTo })}</p>
          <p className="muted">{t('linkSentHint')}</p>
          <button type="button" className="link-button" onClick={() => setSentTo(null)}>
            {t('useAnotherEmail')}
          </button>
        </div>
      ) : (
        <form onSubmit={sendLink} className="sign-in-form">
          <label className="form-field">
            <span>{t('email')}</span>
            <input type="email" autoComplete="email webauthn" required value={email} onChange={(e) => setEmail(e.target.value)} data-testid="sign-in-email" />
          </label>
          <button type="submit" className="primary wide" disabled={busy !== null || email.trim() === ''} data-testid="send-link">
            {busy === 'email' ? t('sending') : t('emailMeALink')}
          </button>
        </form>
      )}
      {passkeys && (
        <>
          <div className="or" aria-hidden="true">
            <span>{t('or')}</span>
          </div>
          <button type="button" className="secondary wide" disabled={busy !== null} onClick={() => withPasskey(false)} data-testid="passkey-sign-in">
            {t('signInWithPasskey')}
          </button>
          <button type="button" className="link-button center" disabled={busy !== null} onClick={() => withPasskey(true)} data-testid="passkey-sign-up">
            {t('newWithPasskey')}
          </button>
        </>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <p className="fine-print">{t('signInFinePrint')}</p>
    </Modal>
  );
}
