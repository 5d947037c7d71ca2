'use client';

import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '@/components/i18n/i18n';
import type { SessionJson } from '@/server/contract/accounts';
import { accountApi, passkeysAvailable } from './account-api';
import { deviceName } from './device-name';
import { useAccount } from './account-context';
import { RequestError } from './api-request';
import { SignInPrompt } from './sign-in-prompt';
import { SiteHeader } from './site-header';

/** /account: the name others see, passkeys, and the devices signed in (each can be signed out). */
export function AccountPage() {
  const { t, date } = useI18n();
  const { account, changed } = useAccount();
  const [name, setName] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sessions, setSessions] = useState<SessionJson[] | null>(null);
  const loadSessions = useCallback(() => void accountApi.sessions().then(setSessions).catch(() => setSessions([])), []);
  useEffect(() => {
    if (!account) return;
    setName(account.name);
    loadSessions();
  }, [account, loadSessions]);
  // The browser and system by their names; the whole User-Agent when neither is known.
  const shown = (device: string) => {
    const { browser, os } = deviceName(device);
    return browser && os ? t('deviceOn', { browser, os }) : (browser ?? os ?? device);
  };
  const failed = (e: unknown) => setError(e instanceof RequestError ? e.message : e instanceof Error && e.name === 'NotAllowedError' ? null : String(e));

  if (account === undefined) return <SiteHeader current="account" />;
  if (account === null) {
    return (
      <>
        <SiteHeader current="account" />
        <main className="page narrow">
          <h1>{t('accountTitle')}</h1>
          <SignInPrompt reason={t('signInToAccount')} />
        </main>
      </>
    );
  }
  return (
    <>
      <SiteHeader current="account" />
      <main className="page narrow account-page" data-testid="account-page">
        <h1>{t('accountTitle')}</h1>
        {account.email && <p className="muted">{account.email}</p>}
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            setError(null);
            accountApi
              .rename(name)
              .then((a) => {
                changed(a);
                setNote(t('nameSaved'));
              })
              .catch(failed);
          }}
        >
          <label className="form-field grow">
            <span>{t('displayName')}</span>
            <input value={name} maxLength={80} onChange={(e) => setName(e.target.value)} data-testid="account-name" />
          </label>
          <button type="submit" className="secondary">
            {t('saveName')}
          </button>
        </form>
        {passkeysAvailable() && (
          <section aria-labelledby="passkeys">
            <h2 id="passkeys">{t('passkeysTitle')}</h2>
            <p className="muted">{t('passkeysLead')}</p>
            <button
              type="button"
              className="secondary"
              data-testid="add-passkey"
              onClick={() => {
                setError(null);
                accountApi
                  .passkeyRegister()
                  .then(() => setNote(t('passkeyAdded')))
                  .catch(failed);
              }}
            >
              {t('addPasskey')}
            </button>
          </section>
        )}
        {note && (
          <p role="status" className="ok-note" data-testid="account-note">
            {note}
          </p>
        )}
        {error && (
          <p role="alert" className="form-error">
            {error}
          </p>
        )}
        <section aria-labelledby="devices">
          <h2 id="devices">{t('devicesTitle')}</h2>
          <ul className="device-list" data-testid="devices">
            {(sessions ?? []).map((s) => (
              <li key={s.id}>
                <div>
                  <strong title={s.device}>{s.current ? t('thisDevice') : shown(s.device)}</strong>
                  {s.current && <span className="muted" title={s.device}> · {shown(s.device)}</span>}
                  <p className="muted">{t('lastActive', { date: date(s.lastSeenAt) })}</p>
                </div>
                {!s.current && (
                  <button type="button" className="link-button danger" onClick={() => void accountApi.endSession(s.id).then(loadSessions)}>
                    {t('signOutDevice')}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {(sessions?.length ?? 0) > 1 && (
            <button type="button" className="link-button danger" onClick={() => void accountApi.endOtherSessions().then(loadSessions)} data-testid="sign-out-others">
              {t('signOutOthers')}
            </button>
          )}
        </section>
      </main>
    </>
  );
}
