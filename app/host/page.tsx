import type { Metadata } from 'next';
import { pageTitle } from '@/components/i18n/request-locale';
import { HostPage } from '@/components/host/host-page';
import { DEFAULT_TILE_ATTRIBUTION, DEFAULT_TILE_URL } from '@/server/config';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';
export const generateMetadata = async (): Promise<Metadata> => ({ title: await pageTitle('hostTitle') });

/** The market's middle, where a host's map opens before they place their home. */
function middle(extent: [number, number, number, number] | null | undefined): { lat: number; lon: number; zoom: number } {
  if (!extent) return { lat: 40.7128, lon: -73.95, zoom: 11 };
  const [w, s, e, n] = extent;
  return { lat: (s + n) / 2, lon: (w + e) / 2, zoom: 11 };
}

export default async function Host() {
  const runtime = getRuntime();
  const market = await runtime?.overview.get().catch(() => null);
  return (
    <HostPage
      tileUrl={runtime?.tileUrl ?? DEFAULT_TILE_URL}
      attribution={runtime?.tileAttribution ?? DEFAULT_TILE_ATTRIBUTION}
      currency={market?.currency ?? 'USD'}
      pricePer={market?.pricePer ?? 'month'}
      around={middle(market?.extent)}
    />
  );
}
