'use client';

import type { FeatureCollection } from 'geojson';
import { useEffect, useState } from 'react';
import type { Place } from '@/server/search/place-directory';
import { convexHull } from './hull';
import { areaFeatures, type ChosenArea } from './chosen-area';
import type { ApiClient, SearchResponse } from './search-client';

/** How far around an area's point its homes are looked for when no box is known, in degrees. */
const REACH = { district: 0.2, neighbourhood: 0.05 } as const;

/**
 * The outline of the area picked in the place box: its boundary when the store has a
 * boundaries file, else the hull of its homes (street level's answer over the area's box,
 * the homes of that area only).
 */
export function useChosenArea(api: ApiClient, chosen: Place | null, boundaries: FeatureCollection | null): ChosenArea | null {
  const [area, setArea] = useState<ChosenArea | null>(null);
  useEffect(() => {
    setArea(null);
    if (!chosen || chosen.kind === 'listing') return;
    const place = chosen;
    const kind = chosen.kind;
    if (boundaries) {
      const features = areaFeatures(boundaries, kind, chosen.label, chosen.detail);
      if (features.length > 0) {
        setArea({ kind: 'features', features });
        return;
      }
    }
    const r = REACH[kind];
    const box = chosen.bbox ?? [chosen.lon - r, chosen.lat - r, chosen.lon + r, chosen.lat + r];
    const ctrl = new AbortController();
    api
      .get<SearchResponse>(`/api/search?bbox=${box.map((n) => n.toFixed(6)).join(',')}&zoom=17`, ctrl.signal)
      .then((res) => {
        const mine = res.listings.filter((l) => (kind === 'district' ? l.district === place.label : l.neighbourhood === place.label && (!place.detail || l.district === place.detail)));
        const ring = convexHull(mine.map((l) => [l.lon, l.lat]));
        if (ring.length > 0) setArea({ kind: 'hull', ring });
      })
      .catch(() => undefined);
    return () => ctrl.abort();
  }, [api, chosen, boundaries]);
  return area;
}
