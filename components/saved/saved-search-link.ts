import { viewQuery, type ViewState } from '@/components/map/view-state';
import type { SavedSearchJson } from '@/components/alerts/alerts-api';
import { ringBbox } from '@/server/core/polygon';
import { filtersOf } from '@/server/contract/filters';

/** The map zoom that shows a box of this many degrees across on a page about 1,000 px wide. */
function zoomFor(lonSpan: number, latSpan: number): number {
  const span = Math.max(lonSpan, latSpan * 1.3, 1e-4);
  return Math.max(3, Math.min(18, Math.floor(Math.log2(360 / span)) + 1));
}

/** The map URL that shows a saved search: its area framed, its filters and drawn area set. */
export function savedSearchHref(s: SavedSearchJson): string {
  const [w, south, e, n] = s.bbox ?? (s.polygon ? ringBbox(s.polygon) : [-180, -85, 180, 85]);
  const f = s.filters;
  const view: ViewState = {
    lat: (south + n) / 2,
    lon: (w + e) / 2,
    zoom: zoomFor(e - w, n - south),
    sort: 'newest',
    ...filtersOf(f),
    ...(s.polygon ? { polygon: s.polygon } : {}),
  };
  return `/?${viewQuery(view)}`;
}
