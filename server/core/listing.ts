import { z } from 'zod';

import { LISTING_TYPES, type ListingType } from './listing-types';

export { LISTING_TYPES, type ListingType };

/** A listing as the API shows it (CONTRACT.md "Listing (JSON)"). */
export interface Listing {
  id: string;
  title: string;
  lat: number;
  lon: number;
  price: number;
  type: ListingType;
  district: string;
  neighbourhood: string;
  bedrooms?: number;
  listedAt: string;
  updatedAt: string;
}

/** Highest price accepted; keeps sums exact in float64 and prices in an Int32 column. */
export const MAX_PRICE = 100_000_000;
export const MAX_BEDROOMS = 50;
export const MAX_TITLE_LENGTH = 500;
export const MAX_AREA_NAME_LENGTH = 120;
export const MAX_ID_LENGTH = 64;

export const listingIdSchema = z
  .string()
  .min(1)
  .max(MAX_ID_LENGTH)
  .regex(/^[A-Za-z0-9._:-]+$/, 'id may hold letters, digits and . _ : - only');

/**
 * What a writer supplies; the store fills times, and district/neighbourhood from boundaries
 * when they are missing.
 */
export const listingInputSchema = z.object({
  id: z.union([listingIdSchema, z.number().int().nonnegative().transform(String)]),
  title: z.string().max(MAX_TITLE_LENGTH),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  price: z.number().int().min(0).max(MAX_PRICE),
  type: z.enum(LISTING_TYPES),
  district: z.string().max(MAX_AREA_NAME_LENGTH).optional(),
  neighbourhood: z.string().max(MAX_AREA_NAME_LENGTH).optional(),
  bedrooms: z.number().int().min(0).max(MAX_BEDROOMS).optional(),
  listedAt: z.iso.datetime({ offset: true }).optional(),
});
export type ListingInput = z.input<typeof listingInputSchema>;

/** A listing as stored: times as epoch milliseconds, unknown bedrooms as null. */
export interface ListingRecord extends Omit<Listing, 'bedrooms' | 'listedAt' | 'updatedAt'> {
  bedrooms: number | null;
  listedAt: number;
  updatedAt: number;
}

/** True when two records differ in anything a renter can see (times aside). */
export function sameContent(a: ListingRecord, b: ListingRecord): boolean {
  return (
    a.title === b.title &&
    a.lat === b.lat &&
    a.lon === b.lon &&
    a.price === b.price &&
    a.type === b.type &&
    a.district === b.district &&
    a.neighbourhood === b.neighbourhood &&
    a.bedrooms === b.bedrooms
  );
}

/** A stored record as the API shows it: ISO times, bedrooms only when known. */
export function listingOf(r: ListingRecord): Listing {
  const listedAt = new Date(r.listedAt).toISOString();
  const out: Listing = {
    id: r.id,
    title: r.title,
    lat: r.lat,
    lon: r.lon,
    price: r.price,
    type: r.type,
    district: r.district,
    neighbourhood: r.neighbourhood,
    listedAt,
    updatedAt: r.updatedAt === r.listedAt ? listedAt : new Date(r.updatedAt).toISOString(),
  };
  if (r.bedrooms !== null) out.bedrooms = r.bedrooms;
  return out;
}
