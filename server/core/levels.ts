/** What `/api/search` answers with at a zoom (CONTRACT.md: "level by zoom"). */
export type Level = 'region' | 'district' | 'neighbourhood' | 'cluster' | 'listing';

/**
 * The highest zoom of the region level (core/regions.ts), the one above districts: at zoom
 * 8 a metro area of 30 km is ~50 px across and its districts' bubbles pile up; from zoom 9
 * (100 px) they read apart. Zooms from 9 up keep the levels they always had.
 */
export const REGION_MAX_ZOOM = 8;

/** Street level returns at most this many listings (CONTRACT.md). */
export const MAX_LISTINGS = 500;

export function levelForZoom(zoom: number): Level {
  if (zoom <= REGION_MAX_ZOOM) return 'region';
  if (zoom <= 11) return 'district';
  if (zoom <= 13) return 'neighbourhood';
  if (zoom <= 15) return 'cluster';
  return 'listing';
}

/**
 * Geotile precision of the cluster level. Two above the map zoom makes cells of 64 screen
 * pixels (256 px tiles / 2^2): about 250 bubbles on a laptop screen, enough to show where
 * homes are without the touching 32 px discs that zoom + 3 gave.
 */
export function clusterPrecision(zoom: number): number {
  return zoom + 2;
}
