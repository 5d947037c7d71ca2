import { MAX_PHOTOS, sameContent, type ListingRecord } from '../core/listing';
import type { ListingWrite } from './change-event';

export type WriteResult =
  | { kind: 'missing' }
  | { kind: 'unchanged'; listing: ListingRecord }
  | { kind: 'removed'; before: ListingRecord }
  | { kind: 'written'; before: ListingRecord | null; after: ListingRecord };

/**
 * What a write does to the stored state of its listing, the one rule for both engines:
 * an existing listing keeps its `listedAt` unless a PATCH sets it, takes `updatedAt` from
 * the commit, and a write equal to what is stored changes nothing.
 */
export function applyWrite(before: ListingRecord | null, w: ListingWrite, now: number): WriteResult {
  if (w.op === 'remove') return before ? { kind: 'removed', before } : { kind: 'missing' };
  if (w.op === 'patch' && !before) return { kind: 'missing' };
  const merged: ListingRecord = w.op === 'put' ? w.record : { ...before!, ...w.patch };
  if (w.op === 'patch' && w.replacePhotos && merged.photos) merged.photos = replacePhotos(merged.photos, w.replacePhotos);
  if (w.op === 'patch' && w.appendPhotos) merged.photos = [...(merged.photos ?? []), ...w.appendPhotos].slice(0, MAX_PHOTOS);
  const listedAt = w.op === 'patch' && w.patch.listedAt !== undefined ? w.patch.listedAt : (before?.listedAt ?? merged.listedAt);
  if (before && sameContent(before, merged) && listedAt === before.listedAt) return { kind: 'unchanged', listing: before };
  return { kind: 'written', before, after: before ? updatedFrom(before, merged, now, listedAt) : { ...merged, updatedAt: merged.listedAt } };
}

/**
 * A stored listing replaced by a new state (an import's row, an API write), the one rule
 * for every store: `listedAt` kept (unless given), `updatedAt` now, and the price before
 * the last change of it kept with that change's time (core/price-cut reads them), carried
 * over while the price stays.
 */
export function updatedFrom(before: ListingRecord, next: ListingRecord, now: number, listedAt = before.listedAt): ListingRecord {
  const { previousPrice: _p, priceChangedAt: _t, ...rest } = next;
  const out: ListingRecord = { ...rest, listedAt, updatedAt: now };
  if (before.price !== next.price) {
    out.previousPrice = before.price;
    out.priceChangedAt = now;
  } else if (before.previousPrice !== undefined && before.priceChangedAt !== undefined) {
    out.previousPrice = before.previousPrice;
    out.priceChangedAt = before.priceChangedAt;
  }
  return out;
}

/**
 * The photos with each URL the map names replaced (null: dropped), in their order, each
 * once: two imported URLs of one picture, or of a picture uploaded already, are one
 * stored photo.
 */
function replacePhotos(photos: string[], map: Record<string, string | null>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const url of photos) {
    const to = Object.hasOwn(map, url) ? map[url]! : url;
    if (to === null || seen.has(to)) continue;
    out.push(to);
    seen.add(to);
  }
  return out;
}
