import { MapSearch } from '@/components/map/map-search';
import { DEFAULT_TILE_ATTRIBUTION, DEFAULT_TILE_URL } from '@/server/config';
import { getRuntime, type Runtime } from '@/server/runtime';

export const dynamic = 'force-dynamic';

/** Whether the store holds a boundaries file, looked up at most every 30 s (imports change it, not visits). */
const BOUNDARIES_TTL_MS = 30_000;
let boundariesKnown: { at: number; engine: Runtime['engine']; present: Promise<boolean> } | null = null;
function hasBoundaries(runtime: Runtime): Promise<boolean> {
  if (!boundariesKnown || boundariesKnown.engine !== runtime.engine || Date.now() - boundariesKnown.at > BOUNDARIES_TTL_MS) {
    boundariesKnown = { at: Date.now(), engine: runtime.engine, present: runtime.engine.boundaries().then((b) => b !== null, () => false) };
  }
  return boundariesKnown.present;
}

export default async function Home({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(await searchParams)) if (typeof v === 'string') params.set(k, v);
  const runtime = getRuntime();
  // A store that cannot answer still gets a map: it then opens on the default view.
  const [market, boundaries] = await Promise.all([
    runtime?.overview.get().catch(() => null) ?? null,
    runtime ? hasBoundaries(runtime) : false,
  ]);
  return (
    <MapSearch
      initialQuery={params.toString()}
      market={market}
      hasBoundaries={boundaries}
      tileUrl={runtime?.tileUrl ?? DEFAULT_TILE_URL}
      attribution={runtime?.tileAttribution ?? DEFAULT_TILE_ATTRIBUTION}
    />
  );
}
