'use client';

import { useCallback, useEffect, useState } from 'react';
import { accountApi } from '@/components/account/account-api';
import { useAccount } from '@/components/account/account-context';
import { request, RequestError } from '@/components/account/api-request';
import { SignInPrompt } from '@/components/account/sign-in-prompt';
import { SiteHeader } from '@/components/account/site-header';
import { useI18n } from '@/components/i18n/i18n';
import { HomeCardHead } from '@/components/listing/home-card-head';
import type { Listing, PricePer } from '@/server/core/listing';
import { ListingEditor } from './listing-editor';

export interface HostPageProps {
  tileUrl: string;
  attribution: string;
  currency: string;
  pricePer: PricePer;
  around: { lat: number; lon: number; zoom: number };
}

/** /host: a signed-in account's own homes — list one, edit it, add photos, take it down. */
export function HostPage(props: HostPageProps) {
  const { t, listingPrice } = useI18n();
  const { account, refresh } = useAccount();
  const [listings, setListings] = useState<Listing[] | null>(null);
  const [editing, setEditing] = useState<Listing | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => void accountApi.myListings().then(setListings).catch(() => setListings([])), []);
  useEffect(() => {
    if (account) load();
  }, [account, load]);

  const takeDown = (l: Listing) => {
    if (!window.confirm(t('takeDownConfirm', { title: l.title }))) return;
    setError(null);
    // Gone already (taken down on another device): it leaves the list as if taken down here.
    // Any other failure says so; the card stayed and nothing was said.
    void request<void>(`/api/listings/${encodeURIComponent(l.id)}`, { method: 'DELETE' })
      .catch((e: unknown) => {
        if (!(e instanceof RequestError && e.status === 404)) throw e;
      })
      .then(
        () => setListings((cur) => (cur ?? []).filter((x) => x.id !== l.id)),
        () => setError(t('takeDownFailed', { title: l.title })),
      );
  };

  return (
    <>
      <SiteHeader current="host" />
      <main className="page host-page" data-testid="host-page">
        <h1>{t('hostTitle')}</h1>
        {account === null ? (
          <SignInPrompt reason={t('signInToHost')} testId="host-sign-in" />
        ) : account === undefined ? (
          <p className="muted">{t('loading')}</p>
        ) : editing ? (
          <ListingEditor
            {...(editing !== 'new' ? { listing: editing } : {})}
            currency={props.currency}
            pricePer={props.pricePer}
            around={props.around}
            tileUrl={props.tileUrl}
            attribution={props.attribution}
            // A new home whose photo was refused is published already: the list shows it.
            onCancel={() => {
              setEditing(null);
              load();
            }}
            onDone={() => {
              setEditing(null);
              load();
              void refresh();
            }}
          />
        ) : (
          <>
            <p className="lead">{t('hostLead')}</p>
            <button type="button" className="primary" onClick={() => setEditing('new')} data-testid="new-listing">
              {t('newListing')}
            </button>
            {error && (
              <p role="alert" className="form-error" data-testid="host-error">
                {error}
              </p>
            )}
            {listings === null ? (
              <p className="muted">{t('loading')}</p>
            ) : listings.length === 0 ? (
              <p className="muted">{t('noListingsYet')}</p>
            ) : (
              <ul className="saved-list">
                {listings.map((l) => (
                  <li key={l.id} className="saved-card" data-testid="host-listing">
                    <HomeCardHead listing={l}>
                      <p>
                        <strong>{listingPrice(l)}</strong> <span className="tag live-tag">{t('listingLive')}</span>
                      </p>
                    </HomeCardHead>
                    <div className="row-actions">
                      <button type="button" className="link-button" onClick={() => setEditing(l)} data-testid="edit-listing">
                        {t('editListing')}
                      </button>
                      <button type="button" className="link-button danger" onClick={() => takeDown(l)} data-testid="take-down">
                        {t('takeDown')}
                      </button>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </main>
    </>
  );
}
