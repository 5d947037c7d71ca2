import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { ListingDetails } from '@/components/listing/listing-details';
import { listingIdSchema, type Listing } from '@/server/core/listing';
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
  return { title: listing ? `${listing.title} — Roost` : 'Not found — Roost' };
}

export default async function ListingPage({ params }: { params: Promise<{ id: string }> }) {
  const listing = await load((await params).id);
  if (!listing) notFound();
  const runtime = getRuntime()!;
  return <ListingDetails listing={listing} tileUrl={runtime.tileUrl} attribution={runtime.tileAttribution} />;
}
