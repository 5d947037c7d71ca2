import { RequestError, request } from '@/components/account/api-request';
import { MAX_PHOTO_BYTES, PHOTO_TYPES } from '@/server/contract/photos';

/** One file's outcome: its URL on our origin, or why it was refused (in the server's words). */
export type UploadOutcome = { ok: true; url: string } | { ok: false; name: string; reason: string };

/**
 * Sends a host's chosen files one after another (the server encodes two at a time for
 * everyone; one host's ten photos need not take both). A file the browser can already
 * tell is wrong (type, size) is refused here, with the same words.
 */
export async function uploadPhotos(listingId: string, files: File[], onEach: (done: number) => void): Promise<UploadOutcome[]> {
  const out: UploadOutcome[] = [];
  for (const file of files) {
    if (!(PHOTO_TYPES as readonly string[]).includes(file.type)) out.push({ ok: false, name: file.name, reason: 'JPEG, PNG or WebP only' });
    else if (file.size > MAX_PHOTO_BYTES) out.push({ ok: false, name: file.name, reason: 'larger than 10 MB' });
    else {
      try {
        const { url } = await request<{ url: string }>(`/api/listings/${encodeURIComponent(listingId)}/photos`, { method: 'POST', raw: file, type: file.type });
        out.push({ ok: true, url });
      } catch (e) {
        out.push({ ok: false, name: file.name, reason: e instanceof RequestError ? e.message : String(e) });
      }
    }
    onEach(out.length);
  }
  return out;
}
