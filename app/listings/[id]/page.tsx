import type { Metadata } from 'next';
import { pageTitle } from '@/components/i18n/request-locale';
import { notFound } from 'next/navigation';
import { ListingDetails } from '@/components/listing/listing-details';
import { listingIdSchema, type Listing } from '@/server/core/listing';
import type { SearchEngine } from '@/server/engine/search-engine';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

async function load(rawId: string): Promise<Listing | null> {
  const id = listingIdSchema.safeParse(decodeURIComponent(rawId));
  const runtime = getRuntime();
  if (!id.success || !runtime) return null;
  return runtime.engine.get(id.data);
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const listing = await load((await params).id);
  return { title: listing ? `${listing.title} — Roost` : await pageTitle('goneUnknownTitle') };
}

/** How far "nearby" reaches: about a kilometre each way in a city. */
const NEAR_DEG = 0.01;
const SIMILAR = 6;

/** Homes of the same kind within about 30% of its price, a few streets away. */
async function similarTo(engine: SearchEngine, l: Listing): Promise<Listing[]> {
  const page = await engine.list({
    bbox: [Math.max(-180, l.lon - NEAR_DEG), Math.max(-90, l.lat - NEAR_DEG), Math.min(180, l.lon + NEAR_DEG), Math.min(90, l.lat + NEAR_DEG)],
    filters: { types: [l.type], priceMin: Math.floor(l.price * 0.7), priceMax: Math.ceil(l.price * 1.3) },
    sort: 'newest',
    limit: SIMILAR + 1,
  });
  return page.listings.filter((h) => h.id !== l.id && h.currency === l.currency).slice(0, SIMILAR);
}

export default async function ListingPage({ params }: { params: Promise<{ id: string }> }) {
  const listing = await load((await params).id);
  if (!listing) notFound();
  const runtime = getRuntime()!;
  // The page works without them: a failing side query costs its section, not the page.
  const [history, similar, host] = await Promise.all([
    runtime.engine.priceHistory(listing.id).catch(() => []),
    similarTo(runtime.engine, listing).catch(() => []),
    runtime.hostOf(listing.id).catch(() => null),
  ]);
  return <ListingDetails listing={listing} host={host} history={history} similar={similar} tileUrl={runtime.tileUrl} attribution={runtime.tileAttribution} />;
}
