import { RequestError, request } from '@/components/account/api-request';
import { MAX_PHOTO_BYTES, PHOTO_TYPES } from '@/server/contract/photos';

/**
 * Why a photo was not kept, as the page words it in its own language (the server's and this
 * file's English words showed as they were on a Chinese page).
 */
export type PhotoRefusal = 'not_an_image' | 'too_large' | 'too_many' | 'failed';

/** One file's outcome: its URL on our origin, or why it was refused. */
export type UploadOutcome = { ok: true; url: string } | { ok: false; name: string; reason: PhotoRefusal };

/** The refusal an answer of the photo API stands for (CONTRACT.md: 415 not an image, 413 too large). */
function refusalOf(e: unknown): PhotoRefusal {
  if (!(e instanceof RequestError)) return 'failed';
  return e.status === 415 ? 'not_an_image' : e.status === 413 ? 'too_large' : e.status === 429 ? 'too_many' : 'failed';
}

/**
 * Sends a host's chosen files one after another (the server encodes two at a time for
 * everyone; one host's ten photos need not take both). A file the browser can already
 * tell is wrong (type, size) is refused here, for the same reason.
 */
export async function uploadPhotos(listingId: string, files: File[], onEach: (done: number) => void): Promise<UploadOutcome[]> {
  const out: UploadOutcome[] = [];
  for (const file of files) {
    if (!(PHOTO_TYPES as readonly string[]).includes(file.type)) out.push({ ok: false, name: file.name, reason: 'not_an_image' });
    else if (file.size > MAX_PHOTO_BYTES) out.push({ ok: false, name: file.name, reason: 'too_large' });
    else {
      try {
        const { url } = await request<{ url: string }>(`/api/listings/${encodeURIComponent(listingId)}/photos`, { method: 'POST', raw: file, type: file.type });
        out.push({ ok: true, url });
      } catch (e) {
        out.push({ ok: false, name: file.name, reason: refusalOf(e) });
      }
    }
    onEach(out.length);
  }
  return out;
}
