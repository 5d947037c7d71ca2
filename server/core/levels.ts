/** What `/api/search` answers with at a zoom (CONTRACT.md: "level by zoom"). */
export type Level = 'district' | 'neighbourhood' | 'cluster' | 'listing';

/** Street level returns at most this many listings (CONTRACT.md). */
export const MAX_LISTINGS = 500;

export function levelForZoom(zoom: number): Level {
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
