/**
 * The WebSocket protocol of CONTRACT.md, one schema per client frame. A frame that does
 * not parse gets `{"type":"error","code","message"}` naming the field; the connection stays.
 */
import { z } from 'zod';
import { LISTING_TYPES, listingOf, type ListingRecord } from '../core/listing';
import { keywordsSchema } from '../core/text-match';
import type { Bbox, Filters } from '../engine/search-engine';

const lon = z.number().min(-180).max(180);
const lat = z.number().min(-90).max(90);

const typesField = z
  .union([z.array(z.enum(LISTING_TYPES)).min(1).max(3), z.string().transform((s, ctx) => {
    const types = s.split(',');
    for (const t of types) {
      if (!(LISTING_TYPES as readonly string[]).includes(t)) {
        ctx.addIssue({ code: 'custom', message: `unknown type "${t.slice(0, 40)}"; use ${LISTING_TYPES.join(', ')}` });
        return z.NEVER;
      }
    }
    return types as (typeof LISTING_TYPES)[number][];
  })])
  .optional();

/** Filters as the search API names them (`type` one or more types; `types` also taken). */
export const filtersSchema = z
  .object({
    priceMin: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    priceMax: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    type: typesField,
    types: typesField,
    bedsMin: z.number().int().min(0).max(50).optional(),
    q: keywordsSchema.optional(),
  })
  .strict()
  .transform((f): Filters => {
    const out: Filters = {};
    if (f.priceMin !== undefined) out.priceMin = f.priceMin;
    if (f.priceMax !== undefined) out.priceMax = f.priceMax;
    const types = f.type ?? f.types;
    if (types) out.types = [...new Set(types)];
    if (f.bedsMin !== undefined) out.bedsMin = f.bedsMin;
    if (f.q !== undefined) out.q = f.q;
    return out;
  });

export const bboxSchema = z
  .tuple([lon, lat, lon, lat])
  .refine(([, s, , n]) => s <= n, 'south must not be above north')
  .transform((b) => b as Bbox);

const watchFrame = z.object({ type: z.literal('watch'), bbox: bboxSchema, filters: filtersSchema.default({}) });
const resumeFrame = z.object({ type: z.literal('resume'), after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

export const clientFrameSchema = z.discriminatedUnion('type', [watchFrame, resumeFrame]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

export type ParsedFrame = { ok: true; frame: ClientFrame } | { ok: false; code: 'bad_request'; message: string; field?: string };

export function parseFrame(text: string): ParsedFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'bad_request', message: 'frame is not JSON' };
  }
  const r = clientFrameSchema.safeParse(json);
  if (r.success) return { ok: true, frame: r.data };
  const issue = r.error.issues[0]!;
  const field = issue.path.map(String).join('.') || undefined;
  return { ok: false, code: 'bad_request', message: field ? `${field}: ${issue.message}` : issue.message, ...(field ? { field } : {}) };
}

export function listingFrame(op: 'upsert' | 'remove', r: ListingRecord): string {
  return JSON.stringify({ type: 'listing', op, listing: listingOf(r) });
}

export function errorFrame(code: string, message: string): string {
  return JSON.stringify({ type: 'error', code, message });
}
