import type { z } from 'zod';
import {
  LISTING_TYPES,
  listingInputSchema,
  MAX_AMENITIES,
  MAX_AMENITY_LENGTH,
  MAX_AREA_NAME_LENGTH,
  MAX_BATHROOMS,
  MAX_BEDROOMS,
  MAX_DESCRIPTION_LENGTH,
  MAX_GUESTS,
  MAX_ID_LENGTH,
  MAX_PHOTOS,
  MAX_PRICE,
  MAX_TITLE_LENGTH,
  photoUrlSchema,
  PRICE_PERIODS,
} from '../core/listing';
import { isCurrencyCode } from '../core/money';
import { forbiddenCharacter } from '../core/visible-text';

/** A row as the listing schema gives it back (ids as strings, amenities trimmed). */
export type ListingInputData = z.output<typeof listingInputSchema>;

const ID = /^[A-Za-z0-9._:-]+$/;
const TYPES: ReadonlySet<unknown> = new Set(LISTING_TYPES);
const PERIODS: ReadonlySet<unknown> = new Set(PRICE_PERIODS);
// The schema's own, so "a time" means exactly what it means there.
const listedAtSchema = listingInputSchema.shape.listedAt;

const line = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max && forbiddenCharacter(v) === null;
const optionalLine = (v: unknown, max: number) => v === undefined || line(v, max);
const between = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && v >= min && v <= max;
const wholeBetween = (v: unknown, min: number, max: number): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;

/**
 * The listing schema's verdict on an import row, without the schema, when the row is
 * plainly good: the same data the schema would give, or null for anything else — a bad
 * row, or one this check is unsure of — which the caller then gives to the schema, so a
 * skipped row's reason is always the schema's own message. The schema cost ~3.3 µs of the
 * ~7 µs the parsing thread spends on a row (BENCHMARKS.md, 10M import); this ~0.3 µs.
 * It may refuse what the schema accepts (that only costs time), never the reverse:
 * test/quick-listing-check.test.ts holds the two to that on a corpus of good and bad rows.
 */
export function quickListingCheck(json: unknown): ListingInputData | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const r = json as Record<string, unknown>;
  let id: string;
  if (typeof r.id === 'string') {
    if (r.id.length === 0 || r.id.length > MAX_ID_LENGTH || !ID.test(r.id)) return null;
    id = r.id;
  } else if (wholeBetween(r.id, 0, Number.MAX_SAFE_INTEGER)) id = String(r.id);
  else return null;
  const { title, lat, lon, price, currency, pricePer, type, district, neighbourhood, bedrooms, bathrooms, guests, amenities, description, photos, listedAt } = r;
  if (!line(title, MAX_TITLE_LENGTH) || !between(lat, -90, 90) || !between(lon, -180, 180) || !wholeBetween(price, 0, MAX_PRICE)) return null;
  if (!TYPES.has(type)) return null;
  if (currency !== undefined && !(typeof currency === 'string' && isCurrencyCode(currency))) return null;
  if (pricePer !== undefined && !PERIODS.has(pricePer)) return null;
  if (!optionalLine(district, MAX_AREA_NAME_LENGTH) || !optionalLine(neighbourhood, MAX_AREA_NAME_LENGTH)) return null;
  if (bedrooms !== undefined && !wholeBetween(bedrooms, 0, MAX_BEDROOMS)) return null;
  if (bathrooms !== undefined && !(between(bathrooms, 0, MAX_BATHROOMS) && Number.isInteger(bathrooms * 2))) return null;
  if (guests !== undefined && !wholeBetween(guests, 1, MAX_GUESTS)) return null;
  if (description !== undefined && !(typeof description === 'string' && description.length <= MAX_DESCRIPTION_LENGTH && forbiddenCharacter(description, { multiline: true }) === null)) return null;
  if (listedAt !== undefined && !(typeof listedAt === 'string' && listedAtSchema.safeParse(listedAt).success)) return null;
  const out = { id, title, lat, lon, price, type } as ListingInputData;
  if (currency !== undefined) out.currency = currency as string;
  if (pricePer !== undefined) out.pricePer = pricePer as ListingInputData['pricePer'];
  if (district !== undefined) out.district = district as string;
  if (neighbourhood !== undefined) out.neighbourhood = neighbourhood as string;
  if (bedrooms !== undefined) out.bedrooms = bedrooms as number;
  if (bathrooms !== undefined) out.bathrooms = bathrooms as number;
  if (guests !== undefined) out.guests = guests as number;
  if (amenities !== undefined) {
    if (!Array.isArray(amenities) || amenities.length > MAX_AMENITIES) return null;
    const trimmed: string[] = [];
    for (const a of amenities) {
      if (typeof a !== 'string') return null;
      const t = a.trim();
      if (t.length === 0 || t.length > MAX_AMENITY_LENGTH) return null;
      trimmed.push(t);
    }
    out.amenities = trimmed;
  }
  if (description !== undefined) out.description = description as string;
  if (photos !== undefined) {
    if (!Array.isArray(photos) || photos.length > MAX_PHOTOS) return null;
    for (const p of photos) if (!photoUrlSchema.safeParse(p).success) return null;
    out.photos = photos as string[];
  }
  if (listedAt !== undefined) out.listedAt = listedAt as string;
  return out;
}
