import { MapSearch } from '@/components/map/map-search';
import { DEFAULT_TILE_ATTRIBUTION, DEFAULT_TILE_URL } from '@/server/config';
import { getRuntime } from '@/server/runtime';

export const dynamic = 'force-dynamic';


export default async function Home({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(await searchParams)) if (typeof v === 'string') params.set(k, v);
  const runtime = getRuntime();
  // A store that cannot answer still gets a map: it then opens on the default view.
  const market = (await runtime?.overview.get().catch(() => null)) ?? null;
  return (
    <MapSearch
      initialQuery={params.toString()}
      market={market}
      tileUrl={runtime?.tileUrl ?? DEFAULT_TILE_URL}
      attribution={runtime?.tileAttribution ?? DEFAULT_TILE_ATTRIBUTION}
    />
  );
}
