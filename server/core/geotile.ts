/**
 * Geotile maths exactly as Elasticsearch's `geotile_grid` computes it, so the embedded
 * engine's cluster keys equal the cluster engine's. Elasticsearch aggregates Lucene's
 * 32-bit encodings of a point, not the double that was indexed, so every key here is
 * computed from the quantized coordinate; a point near a cell edge otherwise lands in
 * the neighbouring cell.
 */

const LAT_DECODE = 180 / 2 ** 32;
const LON_DECODE = 360 / 2 ** 32;

/** Web Mercator's latitude limit; Elasticsearch clips to it before tiling. */
export const MAX_MERCATOR_LAT = 85.0511287798066;

/** Lucene `GeoEncodingUtils.encodeLatitude`: floor towards -90. */
export function encodeLat(lat: number): number {
  if (lat === 90) lat = 90 - Number.EPSILON * 64; // Math.nextDown(90)
  return Math.floor(lat / LAT_DECODE);
}

/** Lucene `GeoEncodingUtils.encodeLongitude`: floor towards -180. */
export function encodeLon(lon: number): number {
  if (lon === 180) lon = 180 - Number.EPSILON * 128; // Math.nextDown(180)
  return Math.floor(lon / LON_DECODE);
}

/** The ends of Lucene's 32-bit range: the encodings of the poles and of ±180°. */
export const ENCODED_MIN = -(2 ** 31);
export const ENCODED_MAX = 2 ** 31 - 1;

/**
 * A box's west and east edges encoded inclusively: ±180° are the ends of the range, so a
 * listing at -180° or 180° is inside a box that reaches the antimeridian from either side.
 */
export function encodeWestEdge(west: number): number {
  return west === -180 ? ENCODED_MIN : encodeLon(west);
}

export function encodeEastEdge(east: number): number {
  return east === 180 ? ENCODED_MAX : encodeLon(east);
}

/** Lucene `encodeLatitudeCeil`: the first encoded value at or above `lat` (bbox minimum). */
export function encodeLatCeil(lat: number): number {
  if (lat === 90) return ENCODED_MAX;
  return Math.ceil(lat / LAT_DECODE);
}

export function encodeLonCeil(lon: number): number {
  if (lon === 180) return ENCODED_MAX;
  return Math.ceil(lon / LON_DECODE);
}

export function decodeLat(encoded: number): number {
  return encoded * LAT_DECODE;
}

export function decodeLon(encoded: number): number {
  return encoded * LON_DECODE;
}

/** Mercator x in [0, 1] of a longitude, evaluated in Elasticsearch's order of operations. */
export function mercatorX(lon: number): number {
  if (lon === -180) return 0;
  return (lon + 180) / 360;
}

/** Mercator y in [0, 1] (0 at the north edge) of a latitude, clipped like Elasticsearch. */
export function mercatorY(lat: number): number {
  const clipped = Math.max(-MAX_MERCATOR_LAT, Math.min(MAX_MERCATOR_LAT, lat));
  const sin = Math.sin((clipped * Math.PI) / 180);
  return 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
}

/** Tile column of a mercator x at a precision; multiplying by 2^p is exact. */
export function tileOf(mercator: number, precision: number): number {
  const tiles = 2 ** precision;
  const t = Math.floor(mercator * tiles);
  return t < 0 ? 0 : t >= tiles ? tiles - 1 : t;
}

/** The `precision/x/y` key of the cell holding a point, from the point's raw coordinates. */
export function geotileKey(lat: number, lon: number, precision: number): string {
  const qLat = decodeLat(encodeLat(lat));
  const qLon = decodeLon(encodeLon(lon));
  return `${precision}/${tileOf(mercatorX(qLon), precision)}/${tileOf(mercatorY(qLat), precision)}`;
}

/** West edge longitude of tile column x. */
export function tileLon(x: number, precision: number): number {
  return (x / 2 ** precision) * 360 - 180;
}

/** North edge latitude of tile row y. */
export function tileLat(y: number, precision: number): number {
  const n = Math.PI - (2 * Math.PI * y) / 2 ** precision;
  return (180 / Math.PI) * Math.atan(Math.sinh(n));
}

/** A bbox snapped outward to the edges of the tiles at `precision` that it touches. */
export function snapBbox(
  [west, south, east, north]: [number, number, number, number],
  precision: number,
): [number, number, number, number] {
  const x0 = tileOf(mercatorX(west), precision);
  const x1 = tileOf(mercatorX(east), precision);
  const y0 = tileOf(mercatorY(north), precision);
  const y1 = tileOf(mercatorY(south), precision);
  return [
    tileLon(x0, precision),
    Math.max(-90, tileLat(y1 + 1, precision)),
    Math.min(180, tileLon(x1 + 1, precision)),
    Math.min(90, tileLat(y0, precision)),
  ];
}
