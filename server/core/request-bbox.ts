import { snapBbox } from './geotile';
import { clusterPrecision, levelForZoom } from './levels';

/** The finest zoom of the embedded index's tiles; area views snap to its edges. */
export const AREA_SNAP_PRECISION = 17;

/**
 * The bbox the map asks for at a zoom: the visible box snapped outward to tile edges —
 * cluster views to their cells, so a cell keeps its count as the map pans; area views to
 * zoom-17 tiles (at most 16 px at zoom 13), so every edge cell is whole and answered from
 * totals. Street level asks for exactly what is visible.
 */
export function requestBbox(bbox: [number, number, number, number], zoom: number): [number, number, number, number] {
  const level = levelForZoom(zoom);
  if (level === 'listing' || bbox[0] > bbox[2]) return bbox;
  // Not rounded: tile edges in longitude are exact multiples of Lucene's quantum, which
  // is what lets the engine decide edge cells exactly.
  return snapBbox(bbox, level === 'cluster' ? clusterPrecision(zoom) : AREA_SNAP_PRECISION);
}
