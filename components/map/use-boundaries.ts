'use client';

import type { FeatureCollection } from 'geojson';
import { useEffect, useState } from 'react';

/** The areas' outlines, when the store has a boundaries file (404 otherwise: no outlines). */
export function useBoundaries(): FeatureCollection | null {
  const [boundaries, setBoundaries] = useState<FeatureCollection | null>(null);
  useEffect(() => {
    fetch('/api/boundaries')
      .then((r) => (r.ok ? (r.json() as Promise<FeatureCollection>) : null))
      .then(setBoundaries)
      .catch(() => setBoundaries(null));
  }, []);
  return boundaries;
}
