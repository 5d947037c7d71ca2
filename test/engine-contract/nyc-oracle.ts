/**
 * The New York listings read straight from the CSV (csv-parse, not the importer), and
 * answers computed from them by plain loops written from the contract: the oracle every
 * engine leg is held to.
 */
import { linkRegions, type RegionMap } from '../../server/core/regions';
import fs from 'node:fs';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { parse } from 'csv-parse/sync';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { normalizeRing } from '../../server/core/polygon';
import { clusterPrecision, levelForZoom, type Level } from '../../server/core/levels';
import type { ListingType } from '../../server/core/listing';
import type { Bbox, Filters, Ring } from '../../server/engine/search-engine';
import { NYC_BOUNDARIES, NYC_CSV } from '../helpers/roost';

export interface Row {
  id: string;
  title: string;
  district: string;
  neighbourhood: string;
  lat: number;
  lon: number;
  type: ListingType;
  price: number;
}

const ROOM: Record<string, ListingType> = { 'Entire home/apt': 'entire', 'Private room': 'private', 'Shared room': 'shared' };

/** The file's records as csv-parse reads them, column by name. */
export const RECORDS = parse(fs.readFileSync(NYC_CSV), { columns: true }) as Record<string, string>[];

export const ROWS: Row[] = RECORDS.map((r) => ({
  id: r.id!,
  title: r.name ?? '',
  district: r.neighbourhood_group!,
  neighbourhood: r.neighbourhood!,
  lat: Number(r.latitude),
  lon: Number(r.longitude),
  type: ROOM[r.room_type!]!,
  price: Number(r.price),
}));

/*
 * Positions as Lucene keeps them and Elasticsearch tiles them, restated here from their
 * definitions rather than imported from the code under test: a coordinate is
 * floor(degrees / quantum) in 32 bits (GeoEncodingUtils), and a geotile is the Web
 * Mercator tile of the quantized point (GeoTileUtils). New York needs neither the poles
 * nor the antimeridian, so neither is handled.
 */
const LAT_QUANTUM = 180 / 2 ** 32;
const LON_QUANTUM = 360 / 2 ** 32;
const quantized = (deg: number, quantum: number) => Math.floor(deg / quantum);

/** Edges inclusive on Lucene's quantized values, as the contract's "edges inclusive" is kept. */
export function inBbox(r: { lat: number; lon: number }, [w, s, e, n]: Bbox): boolean {
  const la = quantized(r.lat, LAT_QUANTUM);
  const lo = quantized(r.lon, LON_QUANTUM);
  return la >= quantized(s, LAT_QUANTUM) && la <= quantized(n, LAT_QUANTUM) && lo >= quantized(w, LON_QUANTUM) && lo <= quantized(e, LON_QUANTUM);
}

/** `precision/x/y` of the tile holding the quantized point. */
export function tileKey(lat: number, lon: number, precision: number): string {
  const tiles = 2 ** precision;
  const qLat = quantized(lat, LAT_QUANTUM) * LAT_QUANTUM;
  const qLon = quantized(lon, LON_QUANTUM) * LON_QUANTUM;
  const sin = Math.sin((qLat * Math.PI) / 180);
  const x = Math.floor(((qLon + 180) / 360) * tiles);
  const y = Math.floor((0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * tiles);
  return `${precision}/${x}/${y}`;
}

/**
 * The keyword rule for the plain ASCII queries the suite asks: every query word is a whole
 * word of the title, case aside. Written apart from server/core/text-match on purpose.
 */
function hasWords(title: string, q: string): boolean {
  if (!/^[\x20-\x7e]*$/.test(q)) throw new Error(`the oracle knows ASCII queries only: ${q}`);
  // Any character outside [a-z0-9] ends an ASCII word (a star, an emoji, a Chinese
  // character), except a full stop, apostrophe or colon between two letters and a full stop,
  // apostrophe or comma between two digits, which Lucene's tokenizer keeps inside a word.
  const have = new Set(
    title
      .toLowerCase()
      .replace(/([a-z])[.':](?=[a-z])/g, '$1\u0001')
      .replace(/([0-9])[.',](?=[0-9])/g, '$1\u0001')
      .split(/[^a-z0-9\u0001]+/),
  );
  return q.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).every((w) => have.has(w));
}

export function matches(r: Row, f: Filters): boolean {
  return (
    (f.priceMin === undefined || r.price >= f.priceMin) &&
    (f.priceMax === undefined || r.price <= f.priceMax) &&
    (f.types === undefined || f.types.includes(r.type)) &&
    (f.q === undefined || hasWords(r.title, f.q)) &&
    // The New York file has no bedrooms, bathrooms, guests or amenities: a filter on any excludes all.
    f.bedsMin === undefined &&
    f.bathsMin === undefined &&
    f.guestsMin === undefined &&
    (f.amenities === undefined || f.amenities.length === 0)
  );
}

export function select(bbox: Bbox, f: Filters): Row[] {
  return ROWS.filter((r) => inBbox(r, bbox) && matches(r, f));
}

export interface Group {
  count: number;
  lat: number;
  lon: number;
  price: number;
}

let regions: RegionMap | null = null;

/** New York's regions, linked from every row's district centroid (core/regions.ts's rule). */
export function nycRegions(): RegionMap {
  if (!regions) {
    const d = groupBy(ROWS, (r) => r.district);
    regions = linkRegions([...d].map(([key, g]) => ({ key, count: g.count, lat: g.lat / g.count, lon: g.lon / g.count })));
  }
  return regions;
}

export function keyOf(level: Level, zoom: number): (r: Row) => string {
  if (level === 'region') return (r) => nycRegions().get(r.district)!.key;
  if (level === 'district') return (r) => r.district;
  if (level === 'neighbourhood') return (r) => `${r.district}|${r.neighbourhood}`;
  return (r) => tileKey(r.lat, r.lon, clusterPrecision(zoom));
}

/** Rows grouped by a key: count and the sums of position and price. */
export function groupBy(rows: Row[], key: (r: Row) => string): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const r of rows) {
    const g = out.get(key(r)) ?? { count: 0, lat: 0, lon: 0, price: 0 };
    g.count++;
    g.lat += r.lat;
    g.lon += r.lon;
    g.price += r.price;
    out.set(key(r), g);
  }
  return out;
}

/** Buckets as the contract defines them: per area or cell, count, mean position, mean price. */
export function expectedBuckets(bbox: Bbox, zoom: number, f: Filters): Map<string, Group> {
  const out = groupBy(select(bbox, f), keyOf(levelForZoom(zoom), zoom));
  for (const g of out.values()) {
    g.lat /= g.count;
    g.lon /= g.count;
    g.price /= g.count;
  }
  return out;
}

/** Neighbourhood outlines as simple rings: the outer ring of each polygon part. */
export function neighbourhoodRings(): { name: string; ring: Ring }[] {
  const fc = JSON.parse(fs.readFileSync(NYC_BOUNDARIES, 'utf8')) as FeatureCollection;
  const out: { name: string; ring: Ring }[] = [];
  for (const f of fc.features as Feature<Polygon | MultiPolygon>[]) {
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    const name = String((f.properties ?? {}).neighbourhood);
    polys.forEach((p, i) => {
      // As the API takes a drawn area: repeats dropped, closed.
      const ring = normalizeRing(p[0]!.map(([x, y]) => [x!, y!] as [number, number]));
      if (typeof ring === 'string') throw new Error(`${name}: ${ring}`);
      out.push({ name: `${name}#${i}`, ring });
    });
  }
  return out;
}

export function inRing(r: { lat: number; lon: number }, ring: Ring): boolean {
  return booleanPointInPolygon([r.lon, r.lat], { type: 'Polygon', coordinates: [ring] });
}

/** The file's first listing as the contract shapes it: the same in every engine and over HTTP. */
export const LISTING_2595 = {
  id: '2595',
  title: 'Skylit Midtown Castle',
  lat: 40.75362,
  lon: -73.98377,
  price: 225,
  // Inside Airbnb prices are nightly US dollars; the listing date is its last review (21-05-2019).
  currency: 'USD',
  pricePer: 'night',
  type: 'entire',
  district: 'Manhattan',
  neighbourhood: 'Midtown',
  listedAt: '2019-05-21T00:00:00.000Z',
} as const;
