'use client';

import { useEffect, useState } from 'react';
import { useAccount, SESSION_CHANGED } from '@/components/account/account-context';
import { accountApi } from '@/components/account/account-api';
import { SiteHeader } from '@/components/account/site-header';
import { alertsApi, type SavedSearchJson } from '@/components/alerts/alerts-api';
import { ChannelSettings } from '@/components/alerts/channel-settings';
import { channelsApi, choiceOf, type FavouriteWithChannels } from '@/components/alerts/channels-api';
import { PushToggle } from '@/components/alerts/push-toggle';
import { usePush } from '@/components/alerts/use-push';
import { useI18n } from '@/components/i18n/i18n';
import { HomeCardHead } from '@/components/listing/home-card-head';
import { savedSearchHref } from './saved-search-link';

/** A favourite as a card: its photo, what it is, the price when saved and now, or that it is gone. */
function FavouriteCard({ f, onRemove }: { f: FavouriteWithChannels; onRemove: () => void }) {
  const { t, listingPrice, price } = useI18n();
  const l = f.listing;
  const change = l.price - f.priceWhenSaved;
  return (
    <li className={f.removed ? 'saved-card gone' : 'saved-card'} data-testid="favourite-card">
      <HomeCardHead listing={l}>
        <p className="saved-prices" data-testid="favourite-prices">
          {f.removed ? (
            <span className="tag gone-tag">{t('homeGone')}</span>
          ) : (
            <>
              <strong>{listingPrice(l)}</strong>
              {change !== 0 && (
                <span className={change < 0 ? 'price-down' : 'price-up'}>
                  {' '}
                  {change < 0 ? t('priceDown', { amount: price(-change, l.currency) }) : t('priceUp', { amount: price(change, l.currency) })}
                </span>
              )}
            </>
          )}
          <span className="muted"> · {t('priceWhenSaved', { price: price(f.priceWhenSaved, l.currency) })}</span>
        </p>
        {!f.removed && <ChannelSettings value={choiceOf(f)} save={(c) => channelsApi.favourite(l.id, c)} testId="favourite-channels" />}
      </HomeCardHead>
      <button type="button" className="link-button danger" onClick={onRemove} aria-label={`${t('remove')}: ${l.title}`}>
        {t('remove')}
      </button>
    </li>
  );
}

function SearchRow({ s, onDelete, onChange }: { s: SavedSearchJson; onDelete: () => void; onChange: (next: SavedSearchJson) => void }) {
  const { t, price } = useI18n();
  const f = s.filters;
  const bits = [
    f.priceMin !== undefined || f.priceMax !== undefined ? `${f.priceMin !== undefined ? price(f.priceMin) : ''}–${f.priceMax !== undefined ? price(f.priceMax) : ''}` : null,
    f.type?.map((x) => t(`type_${x}`)).join(', '),
    f.bedsMin !== undefined ? `${t('beds')} ${t('bedsAtLeast', { n: f.bedsMin })}` : null,
    f.bathsMin !== undefined ? `${t('baths')} ${t('bathsAtLeast', { n: f.bathsMin })}` : null,
    f.guestsMin !== undefined ? `${t('guests')} ${t('guestsAtLeast', { n: f.guestsMin })}` : null,
    f.amenities?.map((a) => t(`amenity_${a}`)).join(', '),
    f.q ? `“${f.q}”` : null,
    s.polygon ? t('areaDrawn') : null,
  ].filter(Boolean);
  return (
    <li className="saved-search" data-testid="saved-search-row">
      <div>
        <a className="saved-title" href={savedSearchHref(s)}>
          {s.name}
        </a>
        {s.paused && <span className="tag">{t('paused')}</span>}
        {bits.length > 0 && <p className="muted">{bits.join(' · ')}</p>}
        <ChannelSettings value={choiceOf(s)} emailNote={s.emailNote} save={(c) =>
            alertsApi.update(s.id, c).then((next) => {
              onChange(next);
              return next;
            })
          } testId="search-channels" />
      </div>
      <div className="row-actions">
        <a href={savedSearchHref(s)}>{t('openOnMap')}</a>
        <button type="button" className="link-button danger" onClick={onDelete} aria-label={`${t('delete')}: ${s.name}`}>
          {t('delete')}
        </button>
      </div>
    </li>
  );
}

/** /saved: the renter's homes and searches, wherever they signed in (CONTRACT.md "Pages"). */
export function SavedPage() {
  const { t } = useI18n();
  const { account, askSignIn } = useAccount();
  const [favourites, setFavourites] = useState<FavouriteWithChannels[] | null>(null);
  const push = usePush();
  const [searches, setSearches] = useState<SavedSearchJson[] | null>(null);
  useEffect(() => {
    const load = () => {
      accountApi.favourites().then(setFavourites).catch(() => setFavourites([]));
      alertsApi.searches().then(setSearches).catch(() => setSearches([]));
    };
    load();
    window.addEventListener(SESSION_CHANGED, load);
    return () => window.removeEventListener(SESSION_CHANGED, load);
  }, []);
  return (
    <>
      <SiteHeader current="saved" />
      <main className="page saved-page" data-testid="saved-page">
        <h1>{t('savedTitle')}</h1>
        {account === null && (
          <p className="notice" data-testid="saved-anonymous">
            {t('savedAnonymousNote')}{' '}
            <button type="button" className="link-button" onClick={() => askSignIn()}>
              {t('signInToSync')}
            </button>
          </p>
        )}
        <div className="device-push" data-testid="device-push">
          <strong>{t('pushThisDevice')}</strong> <PushToggle push={push} />
        </div>
        <section aria-labelledby="saved-homes">
          <h2 id="saved-homes">{t('savedHomes')}</h2>
          {favourites === null ? (
            <p className="muted">{t('loading')}</p>
          ) : favourites.length === 0 ? (
            <p className="muted">{t('savedHomesEmpty')}</p>
          ) : (
            <ul className="saved-list">
              {favourites.map((f) => (
                <FavouriteCard
                  key={f.listing.id}
                  f={f}
                  onRemove={() => void accountApi.unkeep(f.listing.id).then(() => setFavourites((cur) => (cur ?? []).filter((x) => x.listing.id !== f.listing.id)))}
                />
              ))}
            </ul>
          )}
        </section>
        <section aria-labelledby="saved-searches">
          <h2 id="saved-searches">{t('savedSearchesSection')}</h2>
          {searches === null ? (
            <p className="muted">{t('loading')}</p>
          ) : searches.length === 0 ? (
            <p className="muted">{t('noSavedSearches')}</p>
          ) : (
            <ul className="saved-list">
              {searches.map((s) => (
                <SearchRow
                  key={s.id}
                  s={s}
                  onChange={(next) => setSearches((cur) => (cur ?? []).map((x) => (x.id === next.id ? next : x)))}
                  onDelete={() => void alertsApi.remove(s.id).then(() => setSearches((cur) => (cur ?? []).filter((x) => x.id !== s.id)))}
                />
              ))}
            </ul>
          )}
        </section>
      </main>
    </>
  );
}
