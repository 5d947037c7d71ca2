/**
 * The WebSocket protocol of CONTRACT.md, one schema per client frame. A frame that does
 * not parse gets `{"type":"error","code","message"}` naming the field; the connection stays.
 */
import { z } from 'zod';
import { listingOf, type ListingRecord } from '../core/listing';
import { deliveredFrame, readFrame, sendFrame } from '../contract/conversations';
import { bboxSchema, filtersSchema } from '../contract/filters';

const watchFrame = z.object({ type: z.literal('watch'), bbox: bboxSchema, filters: filtersSchema.default({}) });
const resumeFrame = z.object({
  type: z.literal('resume'),
  after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** A signed-in account's messages after this id (CONTRACT.md). */
  messagesAfter: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const clientFrameSchema = z.discriminatedUnion('type', [watchFrame, resumeFrame, sendFrame, readFrame, deliveredFrame]);
/** The frames a capability answers (conversations), past the hub's own watch and resume. */
export type CapabilityFrame = Exclude<ClientFrame, { type: 'watch' | 'resume' }>;
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
