import { z } from 'zod';
import { listingInputSchema } from '../core/listing';

/** POST /api/listings: a Listing, `id` optional (kept when given). */
export const createListingSchema = listingInputSchema.extend({ id: listingInputSchema.shape.id.optional() }).strict();

/** PATCH /api/listings/:id: any subset of the writable fields; nothing else. */
export const patchListingSchema = listingInputSchema
  .omit({ id: true })
  .extend({
    // null clears what is not known any more.
    bedrooms: listingInputSchema.shape.bedrooms.unwrap().nullable().optional(),
    bathrooms: listingInputSchema.shape.bathrooms.unwrap().nullable().optional(),
    guests: listingInputSchema.shape.guests.unwrap().nullable().optional(),
  })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'give at least one field to change');

export type CreateListingBody = z.output<typeof createListingSchema>;
export type PatchListingBody = z.output<typeof patchListingSchema>;
