import { z } from 'zod';
import {
  listingIdSchema,
  listingInputSchema,
  MAX_AREA_NAME_LENGTH,
  MAX_BEDROOMS,
  MAX_PRICE,
  MAX_TITLE_LENGTH,
  type ListingRecord,
  type ListingType,
} from '../core/listing';

/** A row turned into a listing's fields, before areas are filled and times set. */
export type ParsedRow = Omit<ListingRecord, 'listedAt' | 'updatedAt'> & { listedAt: number | null };

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

/** One row of an Inside Airbnb `listings.csv` (summary or detailed), as CONTRACT.md maps it. */
export function parseAirbnbRow(row: Record<string, string | undefined>): ParsedRow {
  const id = (row.id ?? '').trim();
  if (id === '') throw new SkipRow('id is missing');
  if (!listingIdSchema.safeParse(id).success) throw new SkipRow(`id ${quote(id)} is not a valid id`);
  const lat = coordinate(row.latitude, 'latitude', 90);
  const lon = coordinate(row.longitude, 'longitude', 180);
  const price = airbnbPrice(row.price);
  const roomType = (row.room_type ?? '').trim();
  const type = ROOM_TYPES[roomType];
  if (!type) throw new SkipRow(roomType === '' ? 'room_type is missing' : `room_type ${quote(roomType)} is not known`);
  return {
    id,
    title: text(row.name, MAX_TITLE_LENGTH),
    lat,
    lon,
    price,
    type,
    district: text(row.neighbourhood_group ?? row.neighbourhood_group_cleansed, MAX_AREA_NAME_LENGTH),
    neighbourhood: text(row.neighbourhood ?? row.neighbourhood_cleansed, MAX_AREA_NAME_LENGTH),
    bedrooms: airbnbBedrooms(row.bedrooms),
    listedAt: null,
  };
}

/** One line of newline-delimited JSON, each a Listing (CONTRACT.md) with `id` required. */
export function parseNdjsonLine(line: string): ParsedRow {
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
    type: v.type,
    district: v.district ?? '',
    neighbourhood: v.neighbourhood ?? '',
    bedrooms: v.bedrooms ?? null,
    listedAt: v.listedAt ? Date.parse(v.listedAt) : null,
  };
}

export const FORMATS = ['airbnb', 'ndjson'] as const;
export type ImportFormat = (typeof FORMATS)[number];
export const formatSchema = z.enum(FORMATS);
