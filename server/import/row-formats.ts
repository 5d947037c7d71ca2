import { z } from 'zod';
import {
  listingInputSchema,
  MAX_AMENITIES,
  MAX_AMENITY_LENGTH,
  MAX_AREA_NAME_LENGTH,
  MAX_BATHROOMS,
  MAX_BEDROOMS,
  MAX_DESCRIPTION_LENGTH,
  MAX_GUESTS,
  photoUrlSchema,
  type PricePer,
  MAX_PRICE,
  MAX_TITLE_LENGTH,
  type ListingRecord,
  type ListingType,
} from '../core/listing';
import { DEFAULT_CURRENCY } from '../core/money';
import { FileDates } from './file-dates';
import { MissingColumns, NDJSON_REQUIRED, type AirbnbColumnIndex, type ColumnMap } from './import-columns';
import { ListingIds } from './listing-ids';
import { quickListingCheck, type ListingInputData } from './quick-listing-check';
import { quote, SkipRow } from './skip-row';

/** A row turned into a listing's fields, before areas are filled and times set. */
export type ParsedRow = Omit<ListingRecord, 'listedAt' | 'updatedAt'> & { listedAt: number | null };

/** What a file's prices are when its rows do not say: `--currency` and `--price-per`. */
export interface Pricing {
  currency: string;
  pricePer: PricePer;
}

/** Inside Airbnb's prices are per night; a file of Listings is monthly rent unless it says. */
export const DEFAULT_PRICING: Record<ImportFormat, Pricing> = {
  airbnb: { currency: DEFAULT_CURRENCY, pricePer: 'night' },
  ndjson: { currency: DEFAULT_CURRENCY, pricePer: 'month' },
};

export { SkipRow } from './skip-row';
export { airbnbDate } from './file-dates';

const ROOM_TYPES: Record<string, ListingType> = {
  'Entire home/apt': 'entire',
  'Private room': 'private',
  'Shared room': 'shared',
  'Hotel room': 'private',
};

function coordinate(raw: string | undefined, name: string, limit: number): number {
  const text = (raw ?? '').trim();
  if (text === '') throw new SkipRow(`${name} is missing`);
  const n = Number(text);
  if (!Number.isFinite(n)) throw new SkipRow(`${name} ${quote(text)} is not a number`);
  if (n < -limit || n > limit) throw new SkipRow(`${name} ${n} is out of range`);
  return n;
}

/** Inside Airbnb prices: `150`, `150.00` or `$1,234.00`. */
function airbnbPrice(raw: string | undefined): number {
  const text = (raw ?? '').trim();
  if (text === '') throw new SkipRow('price is missing');
  const n = Number(text.replace(/^\$/, '').replace(/,/g, ''));
  if (!Number.isFinite(n)) throw new SkipRow(`price ${quote(text)} is not a number`);
  if (n < 0) throw new SkipRow(`price ${n} is negative`);
  if (n > MAX_PRICE) throw new SkipRow(`price ${n} is above ${MAX_PRICE}`);
  return Math.round(n);
}

/** A count that is optional: a blank or odd value leaves it unknown rather than losing the row. */
function optionalCount(raw: string | undefined, min: number, max: number): number | null {
  const text = (raw ?? '').trim();
  const n = Number(text);
  if (text === '' || !Number.isFinite(n) || n < min || n > max) return null;
  return Math.round(n);
}

/**
 * Bathrooms in half steps: a number (older detailed files' `bathrooms`) or current files'
 * `bathrooms_text` — "1 bath", "1.5 shared baths", "Half-bath", "Private half-bath".
 */
export function airbnbBathrooms(raw: string | undefined): number | null {
  const text = (raw ?? '').trim();
  if (text === '') return null;
  if (/half-bath/i.test(text)) return 0.5;
  const m = /^\d+(?:\.\d+)?/.exec(text);
  if (!m) return null;
  const n = Math.round(Number(m[0]) * 2) / 2;
  return n <= MAX_BATHROOMS ? n : null;
}

/**
 * Amenities as the files write them: a JSON list (`["Wifi", "Kitchen"]`, current files) or
 * 2019-and-earlier's braces (`{TV,"Cable TV",Wifi}`). Blank, repeated and untranslated
 * ("translation missing: en.hosting_amenity_49") items are left out.
 */
export function airbnbAmenities(raw: string | undefined): string[] {
  const text = (raw ?? '').trim();
  if (text === '' || text === '[]' || text === '{}') return [];
  let items: unknown = null;
  if (text.startsWith('[')) {
    try {
      items = JSON.parse(text);
    } catch {
      items = null;
    }
  }
  if (!Array.isArray(items)) {
    const inner = text.replace(/^[[{]/, '').replace(/[\]}]$/, '');
    items = (inner.match(/"(?:[^"\\]|\\.|"")*"|[^,]+/g) ?? []).map((item) =>
      item.startsWith('"') && item.endsWith('"') && item.length > 1 ? item.slice(1, -1).replace(/""/g, '"').replace(/\\(.)/g, '$1') : item,
    );
  }
  const out = new Set<string>();
  for (const item of items as unknown[]) {
    if (typeof item !== 'string') continue;
    const name = item.trim().slice(0, MAX_AMENITY_LENGTH);
    if (name === '' || name.startsWith('translation missing')) continue;
    out.add(name);
    if (out.size === MAX_AMENITIES) break;
  }
  return [...out];
}

function text(raw: string | undefined, max: number): string {
  return (raw ?? '').trim().slice(0, max);
}

/** HTML Inside Airbnb descriptions carry (`<br />`, `<b>`): shown as text, so made plain text. */
function plainText(raw: string | undefined, max: number): string {
  return text((raw ?? '').replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, ''), max);
}

/** A record's value of a field: the first of its columns that is not blank. */
function first(fields: readonly string[], at: readonly number[]): string | undefined {
  for (let k = 0; k < at.length; k++) {
    const v = fields[at[k]!];
    if (v !== undefined && v.trim() !== '') return v;
  }
  return undefined;
}

/** The first of a field's columns whose value reads (`read` gives null for blank or unreadable). */
function firstRead<T>(fields: readonly string[], at: readonly number[], read: (v: string) => T | null): T | null {
  for (let k = 0; k < at.length; k++) {
    const v = fields[at[k]!];
    if (v === undefined || v.trim() === '') continue;
    const r = read(v);
    if (r !== null) return r;
  }
  return null;
}

/**
 * The rows of one Inside Airbnb `listings.csv` (summary or detailed), as CONTRACT.md maps
 * them, by the columns its header has (import-columns.ts). Knows the file as a whole:
 * its ids (floats, ListingIds) and its dates' order (FileDates).
 */
export class AirbnbRows {
  readonly ids = new ListingIds();
  readonly dates = new FileDates();

  constructor(
    private readonly at: AirbnbColumnIndex,
    private readonly pricing: Pricing = DEFAULT_PRICING.airbnb,
  ) {}

  parse(f: readonly string[], line: number): ParsedRow {
    const at = this.at;
    const id = this.ids.read(first(f, at.id), line);
    const lat = coordinate(first(f, at.lat), 'latitude', 90);
    const lon = coordinate(first(f, at.lon), 'longitude', 180);
    const price = airbnbPrice(first(f, at.price));
    const roomType = (first(f, at.type) ?? '').trim();
    const type = ROOM_TYPES[roomType];
    if (!type) throw new SkipRow(roomType === '' ? 'room_type is missing' : `room_type ${quote(roomType)} is not known`);
    const out: ParsedRow = {
      id,
      title: text(first(f, at.title), MAX_TITLE_LENGTH),
      lat,
      lon,
      price,
      currency: this.pricing.currency,
      pricePer: this.pricing.pricePer,
      type,
      district: text(first(f, at.district), MAX_AREA_NAME_LENGTH),
      neighbourhood: text(first(f, at.neighbourhood), MAX_AREA_NAME_LENGTH),
      bedrooms: optionalCount(first(f, at.bedrooms), 0, MAX_BEDROOMS),
      listedAt: null,
    };
    // The import day would make "newest" mean nothing.
    for (const i of at.listedAt) {
      out.listedAt = this.dates.read(f[i], line);
      if (out.listedAt !== null) {
        this.dates.holdLast(out);
        break;
      }
    }
    if (at.bathrooms.length > 0) {
      const baths = firstRead(f, at.bathrooms, airbnbBathrooms);
      if (baths !== null) out.bathrooms = baths;
    }
    if (at.guests.length > 0) {
      const guests = optionalCount(first(f, at.guests), 1, MAX_GUESTS);
      if (guests !== null) out.guests = guests;
    }
    if (at.amenities.length > 0) {
      const amenities = airbnbAmenities(first(f, at.amenities));
      if (amenities.length > 0) out.amenities = amenities;
    }
    if (at.description.length > 0) {
      const description = plainText(first(f, at.description), MAX_DESCRIPTION_LENGTH);
      if (description) out.description = description;
    }
    if (at.photo.length > 0) {
      const photo = (first(f, at.photo) ?? '').trim();
      if (photo && photoUrlSchema.safeParse(photo).success) out.photos = [photo];
    }
    return out;
  }

  /** What the import should say about the file as a whole (stderr). */
  notes(): string[] {
    return [...this.ids.notes(), ...this.dates.notes()];
  }
}

/** Rows whose keys are kept to name what a file has, when no row of it had what is needed. */
const KEYS_KEPT_ROWS = 1_000;

/**
 * The lines of a file of newline-delimited JSON, each a Listing (CONTRACT.md) with `id`
 * required; `--map` names a file's own keys (`--map id=room_id`).
 */
export class NdjsonRows {
  private parsed = 0;
  private failed = 0;
  private readonly keys = new Set<string>();
  private bigNumericIds = 0;

  constructor(
    private readonly map: ColumnMap = new Map(),
    private readonly pricing: Pricing = DEFAULT_PRICING.ndjson,
  ) {}

  parse(line: string): ParsedRow {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new SkipRow('line is not valid JSON');
    }
    if (this.map.size > 0 && json !== null && typeof json === 'object' && !Array.isArray(json)) {
      const row = json as Record<string, unknown>;
      const renamed: Record<string, unknown> = { ...row };
      for (const [field, key] of this.map) {
        delete renamed[field];
        if (key in row) renamed[field] = row[key];
      }
      json = renamed;
    }
    // Plainly good rows skip the schema; anything else gets its verdict and message.
    const v = quickListingCheck(json) ?? this.bySchema(json, line);
    this.parsed++;
    // JSON.parse has already rounded a numeric id past 2^53: it is counted, and said.
    if (typeof (json as { id?: unknown }).id === 'number' && (json as { id: number }).id > Number.MAX_SAFE_INTEGER) this.bigNumericIds++;
    const out: ParsedRow = {
      id: v.id,
      title: v.title,
      lat: v.lat,
      lon: v.lon,
      price: v.price,
      currency: v.currency ?? this.pricing.currency,
      pricePer: v.pricePer ?? this.pricing.pricePer,
      type: v.type,
      district: v.district ?? '',
      neighbourhood: v.neighbourhood ?? '',
      bedrooms: v.bedrooms ?? null,
      listedAt: v.listedAt ? Date.parse(v.listedAt) : null,
    };
    if (v.bathrooms !== undefined) out.bathrooms = v.bathrooms;
    if (v.guests !== undefined) out.guests = v.guests;
    if (v.amenities && v.amenities.length > 0) out.amenities = [...new Set(v.amenities)];
    if (v.description) out.description = v.description;
    if (v.photos && v.photos.length > 0) out.photos = v.photos;
    return out;
  }

  /** The listing schema's verdict: its data, or a SkipRow with its first issue. */
  private bySchema(json: unknown, line: string): ListingInputData {
    const parsed = listingInputSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    if (this.failed++ < KEYS_KEPT_ROWS && this.parsed === 0 && json !== null && typeof json === 'object') {
      // The file's own keys, as written (before --map renamed any).
      for (const k of Object.keys(JSON.parse(line) as object)) this.keys.add(k);
    }
    const issue = parsed.error.issues[0]!;
    throw new SkipRow(`${issue.path.join('.') || 'row'}: ${issue.message}`);
  }

  /**
   * At the end of the file: throws MissingColumns when no row could be read and a field
   * every listing needs (or one `--map` names) was in none of them.
   */
  finish(): void {
    if (this.parsed > 0 || this.failed === 0) return;
    const lookedFor = NDJSON_REQUIRED.map((f) => this.map.get(f) ?? f);
    const missing: { field: string; column?: string }[] = [];
    for (const field of new Set([...NDJSON_REQUIRED, ...this.map.keys()])) {
      const key = this.map.get(field);
      if (!this.keys.has(key ?? field)) missing.push(key !== undefined ? { field, column: key } : { field });
    }
    if (missing.length > 0) throw new MissingColumns(missing, lookedFor, [...this.keys]);
  }

  notes(): string[] {
    if (this.bigNumericIds === 0) return [];
    const n = this.bigNumericIds.toLocaleString('en-US');
    return [`${n} ids were JSON numbers above 2^53, which no reader keeps whole: their last digits are lost (write ids as strings to keep them)`];
  }
}

export const FORMATS = ['airbnb', 'ndjson'] as const;
export type ImportFormat = (typeof FORMATS)[number];
export const formatSchema = z.enum(FORMATS);
