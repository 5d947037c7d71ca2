import { z } from 'zod';
import {
  listingIdSchema,
  listingInputSchema,
  MAX_AREA_NAME_LENGTH,
  MAX_BEDROOMS,
  MAX_DESCRIPTION_LENGTH,
  photoUrlSchema,
  type PricePer,
  MAX_PRICE,
  MAX_TITLE_LENGTH,
  type ListingRecord,
  type ListingType,
} from '../core/listing';
import { DEFAULT_CURRENCY } from '../core/money';

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

/** A row that cannot become a listing, and why, in words for the import report. */
export class SkipRow extends Error {}

const ROOM_TYPES: Record<string, ListingType> = {
  'Entire home/apt': 'entire',
  'Private room': 'private',
  'Shared room': 'shared',
  'Hotel room': 'private',
};

function quote(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
}

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

/** Bedrooms are optional: a blank or odd value leaves them unknown rather than losing the row. */
function airbnbBedrooms(raw: string | undefined): number | null {
  const n = Number((raw ?? '').trim());
  if ((raw ?? '').trim() === '' || !Number.isFinite(n) || n < 0 || n > MAX_BEDROOMS) return null;
  return Math.round(n);
}

function text(raw: string | undefined, max: number): string {
  return (raw ?? '').trim().slice(0, max);
}

/**
 * A day as Inside Airbnb files write it: `2019-10-21` in current files, `21-10-2019` in the
 * 2019 New York snapshot. Anything else (blank, a typo) is no date rather than a lost row.
 */
export function airbnbDate(raw: string | undefined): number | null {
  const t = (raw ?? '').trim();
  let m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{2})-(\d{2})-(\d{4})$/.exec(t))) [y, mo, d] = [Number(m[3]), Number(m[2]), Number(m[1])];
  else return null;
  const at = Date.UTC(y, mo - 1, d);
  const back = new Date(at);
  // Date.UTC rolls 31-02 over into March: such a day is not a date.
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? at : null;
}

/** HTML Inside Airbnb descriptions carry (`<br />`, `<b>`): shown as text, so made plain text. */
function plainText(raw: string | undefined, max: number): string {
  return text((raw ?? '').replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]*>/g, ''), max);
}

/** One row of an Inside Airbnb `listings.csv` (summary or detailed), as CONTRACT.md maps it. */
export function parseAirbnbRow(row: Record<string, string | undefined>, pricing: Pricing = DEFAULT_PRICING.airbnb): ParsedRow {
  const id = (row.id ?? '').trim();
  if (id === '') throw new SkipRow('id is missing');
  if (!listingIdSchema.safeParse(id).success) throw new SkipRow(`id ${quote(id)} is not a valid id`);
  const lat = coordinate(row.latitude, 'latitude', 90);
  const lon = coordinate(row.longitude, 'longitude', 180);
  const price = airbnbPrice(row.price);
  const roomType = (row.room_type ?? '').trim();
  const type = ROOM_TYPES[roomType];
  if (!type) throw new SkipRow(roomType === '' ? 'room_type is missing' : `room_type ${quote(roomType)} is not known`);
  const out: ParsedRow = {
    id,
    title: text(row.name, MAX_TITLE_LENGTH),
    lat,
    lon,
    price,
    currency: pricing.currency,
    pricePer: pricing.pricePer,
    type,
    district: text(row.neighbourhood_group ?? row.neighbourhood_group_cleansed, MAX_AREA_NAME_LENGTH),
    neighbourhood: text(row.neighbourhood ?? row.neighbourhood_cleansed, MAX_AREA_NAME_LENGTH),
    bedrooms: airbnbBedrooms(row.bedrooms),
    // The earliest day the file shows the home let (detailed files), else its latest
    // review (summary files): the import day would make "newest" mean nothing.
    listedAt: airbnbDate(row.first_review) ?? airbnbDate(row.last_review),
  };
  const description = plainText(row.description, MAX_DESCRIPTION_LENGTH);
  if (description) out.description = description;
  const photo = (row.picture_url ?? '').trim();
  if (photo && photoUrlSchema.safeParse(photo).success) out.photos = [photo];
  return out;
}

/** One line of newline-delimited JSON, each a Listing (CONTRACT.md) with `id` required. */
export function parseNdjsonLine(line: string, pricing: Pricing = DEFAULT_PRICING.ndjson): ParsedRow {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new SkipRow('line is not valid JSON');
  }
  const parsed = listingInputSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SkipRow(`${issue.path.join('.') || 'row'}: ${issue.message}`);
  }
  const v = parsed.data;
  return {
    id: v.id,
    title: v.title,
    lat: v.lat,
    lon: v.lon,
    price: v.price,
    currency: v.currency ?? pricing.currency,
    pricePer: v.pricePer ?? pricing.pricePer,
    type: v.type,
    district: v.district ?? '',
    neighbourhood: v.neighbourhood ?? '',
    bedrooms: v.bedrooms ?? null,
    ...(v.description ? { description: v.description } : {}),
    ...(v.photos && v.photos.length > 0 ? { photos: v.photos } : {}),
    listedAt: v.listedAt ? Date.parse(v.listedAt) : null,
  };
}

export const FORMATS = ['airbnb', 'ndjson'] as const;
export type ImportFormat = (typeof FORMATS)[number];
export const formatSchema = z.enum(FORMATS);
