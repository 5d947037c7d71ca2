import { bboxSides } from '../../core/bbox-sides';
import { encodeEastEdge, encodeLat, encodeWestEdge } from '../../core/geotile';
import type { Bbox } from '../search-engine';

/** A bbox that does not cross the antimeridian, as Lucene-encoded inclusive bounds. */
export interface EncodedBox {
  latMin: number;
  latMax: number;
  lonMin: number;
  lonMax: number;
}

/**
 * A bbox's sides (two across the antimeridian), encoded. Edges are inclusive on quantized
 * values: a listing exactly on an edge is always in. (Lucene rounds a box's minimum up,
 * which drops such a listing; the cluster engine sends the quantized minimum, so both
 * engines agree.)
 */
export function encodedBoxes(bbox: Bbox): EncodedBox[] {
  return bboxSides(bbox).map(([west, south, east, north]) => ({
    latMin: encodeLat(south),
    latMax: encodeLat(north),
    lonMin: encodeWestEdge(west),
    lonMax: encodeEastEdge(east),
  }));
}
