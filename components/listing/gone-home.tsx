'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';
import { accountApi } from '@/components/account/account-api';
import { SiteHeader } from '@/components/account/site-header';
import { alertsApi } from '@/components/alerts/alerts-api';
import { useI18n } from '@/components/i18n/i18n';
import { useListingFacts } from '@/components/map/listing-summary';
import type { Listing } from '@/server/core/listing';
import { SimilarHomes } from './similar-homes';

/** How far "nearby" reaches (about a kilometre each way in a city), then twice as far when that finds too few. */
const NEAR_DEG = [0.01, 0.03];
const SIMILAR = 6;

/**
 * The home as this renter last saw it: a favourite keeps it, and so does the alert that
 * told them it went. These are how a renter reaches a gone home's page, and they are theirs.
 */
async function lastSeen(id: string): Promise<Listing | null> {
  const [favourites, alerts] = await Promise.all([accountApi.favourites().catch(() => []), alertsApi.alerts(0).catch(() => [])]);
  const kept = favourites.find((f) => f.listing.id === id)?.listing;
  if (kept) return kept;
  return [...alerts].sort((a, b) => b.id - a.id).find((a) => a.listing.id === id)?.listing ?? null;
}

/** Homes of the same kind within about 30% of its price around where it was, by the public search. */
async function similarTo(l: Listing): Promise<Listing[]> {
  let found: Listing[] = [];
  for (const d of NEAR_DEG) {
    const q = new URLSearchParams({
      bbox: [l.lon - d, l.lat - d, l.lon + d, l.lat + d].map((x) => x.toFixed(5)).join(','),
      zoom: '16',
      type: l.type,
      priceMin: String(Math.floor(l.price * 0.7)),
      priceMax: String(Math.ceil(l.price * 1.3)),
    });
    const res = await fetch(`/api/search?${q}`);
    if (!res.ok) return found;
    const body = (await res.json()) as { listings?: Listing[] };
    found = (body.listings ?? []).filter((h) => h.id !== l.id && h.currency === l.currency && h.pricePer === l.pricePer);
    if (found.length >= 3) break;
  }
  // Nearest first: "nearby" is what the renter was promised.
  const far = (h: Listing) => (h.lat - l.lat) ** 2 + ((h.lon - l.lon) * Math.cos((l.lat * Math.PI) / 180)) ** 2;
  return found.sort((a, b) => far(a) - far(b)).slice(0, SIMILAR);
}

/** The listing id of `/listings/:id` (a not-found page gets no params). */
function idFrom(pathname: string): string {
  try {
    return decodeURIComponent(pathname.split('/')[2] ?? '');
  } catch {
    return '';
  }
}

/**
 * A home's page once the home is gone (the API answers 404): it says so plainly and, when
 * the renter knew the home (a favourite, an alert), what it was and similar homes where it
 * stood, rather than a bare 404.
 */
export function GoneHome() {
  const { t, listingPrice } = useI18n();
  const facts = useListingFacts();
  const id = idFrom(usePathname() ?? '');
  const [home, setHome] = useState<Listing | null | undefined>(undefined);
  const [similar, setSimilar] = useState<Listing[] | null>(null);
  useEffect(() => {
    let live = true;
    void lastSeen(id).then((l) => {
      if (!live) return;
      setHome(l);
      if (l) void similarTo(l).catch(() => []).then((s) => live && setSimilar(s));
    });
    return () => {
      live = false;
    };
  }, [id]);
  const mapHere = home ? `/?lat=${home.lat.toFixed(5)}&lon=${home.lon.toFixed(5)}&zoom=15` : '/';
  return (
    <>
      <SiteHeader />
      <main className="page not-found gone-home" data-testid="not-found">
        {home ? (
          <>
            <h1 data-testid="home-gone">{t('goneTitle')}</h1>
            <p className="gone-what">
              <strong>{home.title}</strong>
              <br />
              <span className="muted">{[t('goneLastPrice', { price: listingPrice(home) }), facts(home), home.neighbourhood || home.district].filter(Boolean).join(' · ')}</span>
            </p>
            <p>{t('goneBody')}</p>
            {similar === null ? (
              <p className="muted">{t('loading')}</p>
            ) : similar.length > 0 ? (
              <SimilarHomes homes={similar} />
            ) : (
              <p className="muted" data-testid="no-similar">
                {t('goneNoSimilar')}
              </p>
            )}
            <p className="gone-actions">
              <Link href={mapHere} data-testid="gone-map-here">
                {t('goneSeeMap')}
              </Link>
            </p>
          </>
        ) : (
          <>
            <h1>{home === undefined ? '…' : t('goneUnknownTitle')}</h1>
            <p>{t('notFound')}</p>
            <Link href="/">{t('backToMap')}</Link>
          </>
        )}
      </main>
    </>
  );
}
