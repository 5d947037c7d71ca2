'use client';

import type { FeatureCollection } from 'geojson';
import { useEffect, useState } from 'react';

/**
 * The areas' outlines, when the store has a boundaries file. The page knows whether it has
 * one (app/page.tsx): without, nothing is asked, so no 404 shows in the console.
 */
export function useBoundaries(present: boolean): FeatureCollection | null {
  const [boundaries, setBoundaries] = useState<FeatureCollection | null>(null);
  useEffect(() => {
    if (!present) return;
    fetch('/api/boundaries')
      .then((r) => (r.ok ? (r.json() as Promise<FeatureCollection>) : null))
      .then(setBoundaries)
      .catch(() => setBoundaries(null));
  }, [present]);
  return boundaries;
}
