import { MapSearch } from '@/components/map/map-search';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

const FALLBACK_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const FALLBACK_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

export default async function Home({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(await searchParams)) if (typeof v === 'string') params.set(k, v);
  const runtime = getRuntime();
  return (
    <MapSearch
      initialQuery={params.toString()}
      tileUrl={runtime?.tileUrl ?? FALLBACK_TILES}
      attribution={runtime?.tileAttribution ?? FALLBACK_ATTRIBUTION}
    />
  );
}
