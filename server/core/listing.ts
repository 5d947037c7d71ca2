import { z } from 'zod';
import { ownPhotoHash } from '../contract/photos';

import { LISTING_TYPES, type ListingType } from './listing-types';
import { DEFAULT_CURRENCY, DEFAULT_PRICE_PER, PRICE_PERIODS, currencySchema, type PricePer } from './money';
import { visibleText } from './visible-text';

export { LISTING_TYPES, type ListingType, PRICE_PERIODS, type PricePer };

/** A listing as the API shows it (CONTRACT.md "Listing (JSON)"). */
export interface Listing {
  id: string;
  title: string;
  lat: number;
  lon: number;
  price: number;
  /** ISO 4217 code of `price`. */
  currency: string;
  /** What `price` pays for: a month's rent or a night's stay. */
  pricePer: PricePer;
  type: ListingType;
  district: string;
  neighbourhood: string;
  bedrooms?: number;
  /** Bathrooms in half steps (a half bath has a toilet and no shower): 1.5. */
  bathrooms?: number;
  /** Guests the home sleeps (Inside Airbnb's `accommodates`). */
  guests?: number;
  /** What the home has ("Wifi", "Kitchen"), in the lister's words and order. */
  amenities?: string[];
  description?: string;
  /** Photo URLs (http or https, or our own `/photos/<hash>`), in the order the lister gave them. */
  photos?: string[];
  listedAt: string;
  updatedAt: string;
}

/** Highest price accepted; keeps sums exact in float64 and prices in an Int32 column. */
export const MAX_PRICE = 100_000_000;
export const MAX_BEDROOMS = 50;
export const MAX_TITLE_LENGTH = 500;
export const MAX_AREA_NAME_LENGTH = 120;
export const MAX_ID_LENGTH = 64;
export const MAX_DESCRIPTION_LENGTH = 5_000;
export const MAX_PHOTOS = 20;
export const MAX_PHOTO_URL_LENGTH = 2_000;
export const MAX_BATHROOMS = 50;
export const MAX_GUESTS = 100;
export const MAX_AMENITIES = 100;
export const MAX_AMENITY_LENGTH = 100;

/**
 * Only web addresses, or a photo of our own (`/photos/<hash>`, uploaded and re-encoded
 * here): a `javascript:` or `data:` URL in an <img> is the lister's code on our page.
 */
export const photoUrlSchema = z
  .string()
  .max(MAX_PHOTO_URL_LENGTH)
  .refine((u) => {
    if (ownPhotoHash(u) !== null) return true;
    try {
      const url = new URL(u);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http or https URL, or a photo uploaded here');

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
  title: visibleText().max(MAX_TITLE_LENGTH),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  price: z.number().int().min(0).max(MAX_PRICE),
  currency: currencySchema.optional(),
  pricePer: z.enum(PRICE_PERIODS).optional(),
  type: z.enum(LISTING_TYPES),
  district: visibleText().max(MAX_AREA_NAME_LENGTH).optional(),
  neighbourhood: visibleText().max(MAX_AREA_NAME_LENGTH).optional(),
  bedrooms: z.number().int().min(0).max(MAX_BEDROOMS).optional(),
  bathrooms: z.number().min(0).max(MAX_BATHROOMS).multipleOf(0.5).optional(),
  guests: z.number().int().min(1).max(MAX_GUESTS).optional(),
  amenities: z.array(z.string().trim().min(1).max(MAX_AMENITY_LENGTH)).max(MAX_AMENITIES).optional(),
  description: visibleText({ multiline: true }).max(MAX_DESCRIPTION_LENGTH).optional(),
  photos: z.array(photoUrlSchema).max(MAX_PHOTOS).optional(),
  listedAt: z.iso.datetime({ offset: true }).optional(),
});
export type ListingInput = z.input<typeof listingInputSchema>;

/**
 * A listing as stored: times as epoch milliseconds, unknown bedrooms as null. Currency,
 * period, description, photos, bathrooms, guests and amenities may be absent (records and
 * change rows written before they existed): absent means USD a month, and not known.
 */
export interface ListingRecord extends Omit<Listing, 'bedrooms' | 'listedAt' | 'updatedAt' | 'currency' | 'pricePer'> {
  currency?: string;
  pricePer?: PricePer;
  bedrooms: number | null;
  listedAt: number;
  updatedAt: number;
  /** The price before the last change of it, and when that change was (core/price-cut); absent until the price first changes. */
  previousPrice?: number;
  priceChangedAt?: number;
}

export const currencyOf = (r: Pick<ListingRecord, 'currency'>): string => r.currency ?? DEFAULT_CURRENCY;
export const pricePerOf = (r: Pick<ListingRecord, 'pricePer'>): PricePer => r.pricePer ?? DEFAULT_PRICE_PER;

function sameList(a: string[] | undefined, b: string[] | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((u, i) => u === y[i]);
}

/** True when two records differ in anything a renter can see (times aside). */
export function sameContent(a: ListingRecord, b: ListingRecord): boolean {
  return (
    a.title === b.title &&
    a.lat === b.lat &&
    a.lon === b.lon &&
    a.price === b.price &&
    currencyOf(a) === currencyOf(b) &&
    pricePerOf(a) === pricePerOf(b) &&
    a.type === b.type &&
    a.district === b.district &&
    a.neighbourhood === b.neighbourhood &&
    a.bedrooms === b.bedrooms &&
    (a.bathrooms ?? null) === (b.bathrooms ?? null) &&
    (a.guests ?? null) === (b.guests ?? null) &&
    (a.description ?? '') === (b.description ?? '') &&
    sameList(a.photos, b.photos) &&
    sameList(a.amenities, b.amenities)
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
    currency: currencyOf(r),
    pricePer: pricePerOf(r),
    type: r.type,
    district: r.district,
    neighbourhood: r.neighbourhood,
    listedAt,
    updatedAt: r.updatedAt === r.listedAt ? listedAt : new Date(r.updatedAt).toISOString(),
  };
  if (r.bedrooms !== null) out.bedrooms = r.bedrooms;
  if (r.bathrooms !== undefined) out.bathrooms = r.bathrooms;
  if (r.guests !== undefined) out.guests = r.guests;
  if (r.amenities && r.amenities.length > 0) out.amenities = r.amenities;
  if (r.description) out.description = r.description;
  if (r.photos && r.photos.length > 0) out.photos = r.photos;
  return out;
}
