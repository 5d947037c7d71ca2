/**
 * Request bodies for Elasticsearch and OpenSearch, as pure functions: the query language
 * Roost needs is the same in Elasticsearch 8/9 and OpenSearch 2/3, so both adapters send
 * exactly these. Unit-tested request → body; the contract suite runs them on a real node.
 */
import { decodeLat, decodeLon, encodeLat, encodeLon } from '../../core/geotile';
import { clusterPrecision, levelForZoom, MAX_LISTINGS, type Level } from '../../core/levels';
import { currencyOf, pricePerOf, type ListingRecord, type PricePer } from '../../core/listing';
import { DEFAULT_CURRENCY, DEFAULT_PRICE_PER } from '../../core/money';
import { withoutPrice } from '../../core/filter-params';
import { amenityKeysOf } from '../../core/amenities';
import { NO_CUT, priceCutSince } from '../../core/price-cut';
import type { Bbox, Filters, ListQuery, PriceHistogramQuery, Ring, SearchArea, SearchQuery } from '../search-engine';

/** The alias every read and write goes through; the index behind it carries a version. */
export const LISTINGS_ALIAS = 'listings';
export const LISTINGS_INDEX_PREFIX = 'listings-v';
export const META_INDEX = 'roost-meta';

/** Terms buckets asked for: far above any city's areas, so every area comes back. */
const MAX_AREA_BUCKETS = 10_000;

/** The stored form of a listing: the API's fields plus what the queries aggregate on. */
export interface ListingDoc {
  id: string;
  title: string;
  location: { lat: number; lon: number };
  price: number;
  currency?: string;
  pricePer?: string;
  type: string;
  district: string;
  neighbourhood: string;
  /** `district|neighbourhood`: one name can be in two districts (as in the embedded index). */
  area: string;
  bedrooms?: number;
  bathrooms?: number;
  guests?: number;
  amenities?: string[];
  /** core/amenities' keys of `amenities`, what the amenities filter asks for. */
  amenityKeys?: string[];
  /** The price before its last change and when (core/price-cut), for the price-cut order. */
  previousPrice?: number;
  priceChangedAt?: number;
  description?: string;
  photos?: string[];
  listedAt: number;
  updatedAt: number;
}

export function listingDoc(r: ListingRecord): ListingDoc {
  const doc: ListingDoc = {
    id: r.id,
    title: r.title,
    location: { lat: r.lat, lon: r.lon },
    price: r.price,
    currency: currencyOf(r),
    pricePer: pricePerOf(r),
    type: r.type,
    district: r.district,
    neighbourhood: r.neighbourhood,
    area: `${r.district}|${r.neighbourhood}`,
    listedAt: r.listedAt,
    updatedAt: r.updatedAt,
  };
  if (r.bedrooms !== null) doc.bedrooms = r.bedrooms;
  if (r.bathrooms !== undefined) doc.bathrooms = r.bathrooms;
  if (r.guests !== undefined) doc.guests = r.guests;
  if (r.amenities && r.amenities.length > 0) {
    doc.amenities = r.amenities;
    const keys = amenityKeysOf(r.amenities);
    if (keys.length > 0) doc.amenityKeys = keys;
  }
  if (r.previousPrice !== undefined && r.priceChangedAt !== undefined) {
    doc.previousPrice = r.previousPrice;
    doc.priceChangedAt = r.priceChangedAt;
  }
  if (r.description) doc.description = r.description;
  if (r.photos && r.photos.length > 0) doc.photos = r.photos;
  return doc;
}

export function recordOf(doc: ListingDoc): ListingRecord {
  return {
    id: doc.id,
    title: doc.title,
    lat: doc.location.lat,
    lon: doc.location.lon,
    price: doc.price,
    currency: doc.currency ?? DEFAULT_CURRENCY,
    pricePer: (doc.pricePer ?? DEFAULT_PRICE_PER) as PricePer,
    type: doc.type as ListingRecord['type'],
    district: doc.district,
    neighbourhood: doc.neighbourhood,
    bedrooms: doc.bedrooms ?? null,
    ...(doc.bathrooms !== undefined ? { bathrooms: doc.bathrooms } : {}),
    ...(doc.guests !== undefined ? { guests: doc.guests } : {}),
    ...(doc.amenities && doc.amenities.length > 0 ? { amenities: doc.amenities } : {}),
    ...(doc.previousPrice !== undefined && doc.priceChangedAt !== undefined ? { previousPrice: doc.previousPrice, priceChangedAt: doc.priceChangedAt } : {}),
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.photos && doc.photos.length > 0 ? { photos: doc.photos } : {}),
    listedAt: doc.listedAt,
    updatedAt: doc.updatedAt,
  };
}

/**
 * How titles and descriptions become terms, exactly as core/text-match makes them: the
 * standard tokenizer (Unicode words; each Han or Hiragana character a token), lower case,
 * then `cjk_bigram` (OpenSearch's analysis-common module, and Elasticsearch's) pairing
 * neighbouring characters. A listing is indexed under its characters and their pairs
 * (`output_unigrams`); a query asks for the pairs of each run, or the character of a run of
 * one, so `静安` needs 静安 together and in order. Katakana and Hangul runs stay whole words
 * (`ignored_scripts`), as the standard analyzer had them.
 */
const TEXT_ANALYSIS = {
  filter: {
    roost_cjk_index: { type: 'cjk_bigram', output_unigrams: true, ignored_scripts: ['katakana', 'hangul'] },
    roost_cjk_query: { type: 'cjk_bigram', output_unigrams: false, ignored_scripts: ['katakana', 'hangul'] },
  },
  analyzer: {
    roost_text: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'roost_cjk_index'] },
    roost_text_query: { type: 'custom', tokenizer: 'standard', filter: ['lowercase', 'roost_cjk_query'] },
  },
} as const;

const KEYWORD_TEXT = { type: 'text', analyzer: 'roost_text', search_analyzer: 'roost_text_query' } as const;

/**
 * The mapping's version, kept in the index's `_meta`: an index made by an older mapping
 * (1: the standard analyzer, each Chinese character a word) answers differently, and a
 * field's analyzer cannot change in place — `npm run migrate` reindexes it into the next
 * `listings-vN` and swaps the alias. 2: Chinese pairs; bathrooms, guests, amenities.
 */
export const LISTINGS_MAPPING_VERSION = 2;

/** Fields the filters query. */
const FILTERED_FIELDS = {
  location: { type: 'geo_point' },
  price: { type: 'integer' },
  type: { type: 'keyword' },
  bedrooms: { type: 'byte' },
  description: KEYWORD_TEXT,
} as const;

/**
 * Fields added to the listings mapping after `listings-v1` was first created, put on an
 * existing index at start (adding a field is allowed in place; changing one is not).
 * Bathrooms, guests and amenities' keys are what their filters ask; the previous price and
 * its time are read by the price-cut order's script only (doc values, no index). A document
 * written before amenityKeys existed has none: the amenities filter finds it once it is
 * written again (or the index rebuilt from the store).
 */
export const LISTINGS_ADDED_FIELDS = {
  currency: { type: 'keyword', index: false },
  pricePer: { type: 'keyword', index: false },
  photos: { type: 'keyword', index: false, doc_values: false },
  bathrooms: { type: 'half_float' },
  guests: { type: 'byte' },
  amenities: { type: 'keyword' },
  amenityKeys: { type: 'keyword' },
  previousPrice: { type: 'integer', index: false },
  priceChangedAt: { type: 'long', index: false },
} as const;

/**
 * The description as an index of mapping 1 gets it when it lacks one: that index has no
 * Chinese analysis to give it (its other text is the standard analyzer's too).
 */
export const MAPPING_1_DESCRIPTION = { description: { type: 'text' } } as const;

/**
 * Set, not left to the default: an index with no refresh_interval of its own goes
 * "search idle" after 30 s without a search and stops refreshing, and the first search
 * after that missed writes made meanwhile (37 of 80 in the PostgreSQL cluster suite).
 * Writes must be searchable within 1 s of their answer (CONTRACT.md) whoever searches.
 */
export const LISTINGS_REFRESH_INTERVAL = '1s';

/** The listings index: explicit and strict, so a stray field is an error, not a new mapping. */
export function listingsIndexBody() {
  return {
    settings: {
      number_of_shards: 1,
      // 0 on a single node (green), 1 as soon as there is a second node to hold it.
      auto_expand_replicas: '0-1',
      // A removal's tombstone keeps its version this long (default 60 s): an applier that
      // woke from a long pause cannot bring a removed listing back with an older change.
      gc_deletes: '1h',
      refresh_interval: LISTINGS_REFRESH_INTERVAL,
      analysis: TEXT_ANALYSIS,
    },
    mappings: {
      dynamic: 'strict',
      _meta: { mapping: LISTINGS_MAPPING_VERSION },
      // Fields only sorted or aggregated on keep doc values without an index, and one
      // never queried keeps neither: less to build per document. 300k listings into a
      // local node: 27,500 → 33,500 docs/s.
      properties: {
        id: { type: 'keyword', index: false },
        title: { ...KEYWORD_TEXT, fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
        ...FILTERED_FIELDS,
        district: { type: 'keyword' },
        neighbourhood: { type: 'keyword', index: false },
        area: { type: 'keyword', index: false },
        listedAt: { type: 'date', format: 'epoch_millis' },
        updatedAt: { type: 'date', format: 'epoch_millis', index: false, doc_values: false },
        ...LISTINGS_ADDED_FIELDS,
      },
    },
  };
}

export function metaIndexBody() {
  return {
    settings: { number_of_shards: 1, auto_expand_replicas: '0-1' },
    mappings: { dynamic: 'strict', properties: { value: { type: 'object', enabled: false } } },
  };
}

/**
 * A bbox as geo_bounding_box, on the same quantized values the embedded engine compares:
 * Lucene rounds a box's minimum up to the next encoded value, so sending the encoded
 * value itself keeps a listing exactly on the south or west edge inside, as it is there.
 */
export function bboxClause([west, south, east, north]: Bbox) {
  return {
    geo_bounding_box: {
      location: {
        top_left: { lat: decodeLat(encodeLat(north)), lon: west === -180 ? -180 : decodeLon(encodeLon(west)) },
        bottom_right: { lat: decodeLat(encodeLat(south)), lon: east === 180 ? 180 : decodeLon(encodeLon(east)) },
      },
    },
  };
}

/** A closed ring of [lon, lat] positions as a geo_shape polygon query on the point field. */
export function polygonClause(ring: [number, number][]) {
  return { geo_shape: { location: { shape: { type: 'polygon', coordinates: [ring] }, relation: 'intersects' } } };
}

export function areaClause(area: SearchArea) {
  return 'bbox' in area ? bboxClause(area.bbox) : polygonClause(area.polygon);
}

/** The filters as clauses; a listing without bedrooms fails any bedsMin, as in the embedded engine. */
export function filterClauses(f: Filters): object[] {
  const out: object[] = [];
  if (f.priceMin !== undefined || f.priceMax !== undefined) {
    out.push({ range: { price: { ...(f.priceMin !== undefined ? { gte: f.priceMin } : {}), ...(f.priceMax !== undefined ? { lte: f.priceMax } : {}) } } });
  }
  if (f.types) out.push({ terms: { type: f.types } });
  if (f.bedsMin !== undefined) out.push({ range: { bedrooms: { gte: f.bedsMin } } });
  // A document without the field is outside any range: unknown counts never match.
  if (f.bathsMin !== undefined) out.push({ range: { bathrooms: { gte: f.bathsMin } } });
  if (f.guestsMin !== undefined) out.push({ range: { guests: { gte: f.guestsMin } } });
  for (const key of f.amenities ?? []) out.push({ term: { amenityKeys: key } });
  if (f.q !== undefined) out.push(keywordClause(f.q));
  return out;
}

/**
 * Every term in the title or the description: cross_fields with `and` treats the two as
 * one text, as the embedded engine does; a filter clause, so it never changes scores. The
 * fields' search analyzer makes the query's terms (Chinese pairs, TEXT_ANALYSIS).
 */
export function keywordClause(q: string) {
  return { multi_match: { query: q, fields: ['title', 'description'], type: 'cross_fields', operator: 'and' } };
}

export function searchQuery(area: SearchArea, filters: Filters, polygon?: Ring) {
  return { bool: { filter: [areaClause(area), ...(polygon ? [polygonClause(polygon)] : []), ...filterClauses(filters)] } };
}

/** Currencies asked for per bucket: far above the one or two a city has. */
const MAX_CURRENCIES = 256;

/**
 * Per bucket: where its homes are, and their prices summed per currency and period (a
 * terms sub-aggregation on each), never averaged across them. Documents written before
 * the two fields existed count as the defaults, as recordOf reads them.
 */
const SUMMARY_AGGS = {
  centroid: { geo_centroid: { field: 'location' } },
  currencies: {
    terms: { field: 'currency', size: MAX_CURRENCIES, missing: DEFAULT_CURRENCY },
    aggs: { periods: { terms: { field: 'pricePer', size: 2, missing: DEFAULT_PRICE_PER }, aggs: { price: { sum: { field: 'price' } } } } },
  },
};

/** The `/api/search` body for a view: one aggregation per level, or the newest listings. */
export function searchBody({ bbox, zoom, filters, polygon }: SearchQuery) {
  const level = levelForZoom(zoom);
  const query = searchQuery({ bbox }, filters, polygon);
  if (level === 'listing') {
    return { query, size: MAX_LISTINGS, track_total_hits: true, sort: LIST_SORT.newest };
  }
  return { query, size: 0, track_total_hits: true, aggs: { buckets: bucketAgg(level, zoom) } };
}

function bucketAgg(level: Exclude<Level, 'listing'>, zoom: number) {
  if (level === 'cluster') {
    // No `bounds`: the query already holds only the view's listings, and a listing one
    // quantum inside the south edge lies in the tile below, which bounds would drop
    // (measured on the real node); the embedded engine counts it in that tile too.
    return { geotile_grid: { field: 'location', precision: clusterPrecision(zoom), size: 65_536 }, aggs: SUMMARY_AGGS };
  }
  // Regions are districts folded together after the answer (core/regions.ts).
  const field = level === 'district' || level === 'region' ? 'district' : 'area';
  return { terms: { field, size: MAX_AREA_BUCKETS, shard_size: MAX_AREA_BUCKETS }, aggs: SUMMARY_AGGS };
}

/** Counts per price band of the view's homes, whatever their price filter (a `range` aggregation). */
export function priceHistogramBody({ bbox, filters, polygon, edges }: PriceHistogramQuery) {
  const ranges = edges.map((from, i) => (i + 1 < edges.length ? { from, to: edges[i + 1]! } : { from }));
  return {
    query: searchQuery({ bbox }, withoutPrice(filters), polygon),
    size: 0,
    track_total_hits: false,
    aggs: { bands: { range: { field: 'price', ranges } } },
  };
}

/**
 * The price cut in basis points as core/price-cut computes it, with Java longs (integer
 * division rounds down, as Math.floor there); NO_CUT for none, a rise or one before `since`.
 */
const PRICE_CUT_SCRIPT = `
if (doc['previousPrice'].size() == 0 || doc['priceChangedAt'].size() == 0) return ${NO_CUT};
long before = doc['previousPrice'].value;
long now = doc['price'].value;
long at = doc['priceChangedAt'].value;
if (at < params.since || before <= now || before <= 0) return ${NO_CUT};
return (before - now) * 10000L / before;`;

/** The list's orders, the id breaking ties so a (value, id) cursor marks one place exactly. */
export const LIST_SORT = {
  price: [{ price: 'asc' }, { id: 'asc' }],
  price_desc: [{ price: 'desc' }, { id: 'asc' }],
  newest: [{ listedAt: 'desc' }, { id: 'asc' }],
} as const;

/** A list order's sort clause; the price cut's counts cuts since `priceCutSince(now)`. */
export function listSort(sort: ListQuery['sort'], now = Date.now()): readonly object[] {
  if (sort !== 'price_cut') return LIST_SORT[sort];
  return [
    { _script: { type: 'number', order: 'desc', script: { lang: 'painless', source: PRICE_CUT_SCRIPT, params: { since: priceCutSince(now) } } } },
    { id: 'asc' },
  ];
}

/** One page of the list; one more than the page is asked for, to know whether more follow. */
export function listBody({ bbox, filters, sort, limit, after, polygon }: ListQuery) {
  return {
    query: searchQuery({ bbox }, filters, polygon),
    size: limit + 1,
    track_total_hits: true,
    sort: listSort(sort),
    ...(after ? { search_after: [after.value, after.id] } : {}),
  };
}
