import sharp, { type Metadata } from 'sharp';
import { PHOTO_WIDTHS } from '../contract/photos';
import type { PhotoVariant } from './photo-store';

/**
 * Largest image decoded: 50 megapixels (a 4000×3000 phone photo is 12). A small file can
 * declare a huge canvas; without a bound, decoding one would take the node's memory.
 */
const MAX_INPUT_PIXELS = 50_000_000;
const WEBP_QUALITY = 80;

export type EncodeOutcome = { ok: true; variants: PhotoVariant[] } | { ok: false; status: 'not_an_image' | 'too_many_pixels'; message: string };

/**
 * An upload re-encoded to WebP at each of PHOTO_WIDTHS (never enlarged), turned upright by
 * its EXIF orientation first. Nothing of the original's metadata is written: sharp keeps
 * none unless asked, and a phone photo's EXIF holds the home's GPS position and the
 * host's camera. The file is decoded once; each width is resized from that.
 */
export async function encodePhoto(input: Buffer): Promise<EncodeOutcome> {
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    return { ok: false, status: 'not_an_image', message: 'the body is not a JPEG, PNG or WebP image' };
  }
  if (!meta.format || !['jpeg', 'png', 'webp'].includes(meta.format)) return { ok: false, status: 'not_an_image', message: `images must be JPEG, PNG or WebP, not ${meta.format ?? 'unknown'}` };
  if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_INPUT_PIXELS) return { ok: false, status: 'too_many_pixels', message: `the image is larger than ${MAX_INPUT_PIXELS / 1e6} megapixels` };
  try {
    // One decode, auto-oriented and bounded to the largest width, kept raw for the resizes.
    const largest = PHOTO_WIDTHS[PHOTO_WIDTHS.length - 1];
    const { data, info } = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .resize({ width: largest, withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    const variants = await Promise.all(
      PHOTO_WIDTHS.map(async (w) => {
        // Each nominal width is stored, so every URL of the srcset answers; a small photo repeats its own size.
        const out = await sharp(data, raw).resize({ width: Math.min(w, info.width) }).webp({ quality: WEBP_QUALITY }).toBuffer({ resolveWithObject: true });
        return { width: w, height: out.info.height, bytes: out.data };
      }),
    );
    return { ok: true, variants };
  } catch (err) {
    return { ok: false, status: 'not_an_image', message: `the image could not be read: ${(err as Error).message.slice(0, 120)}` };
  }
}
