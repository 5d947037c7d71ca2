import sharp, { type Metadata } from 'sharp';
import { PHOTO_WIDTHS } from '../contract/photos';
import type { PhotoVariant } from './photo-store';

/**
 * Largest image decoded: 50 megapixels (a 4000×3000 phone photo is 12). A small file can
 * declare a huge canvas; without a bound, decoding one would take the node's memory.
 */
const MAX_INPUT_PIXELS = 50_000_000;
const WEBP_QUALITY = 80;
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export type EncodeOutcome = { ok: true; variants: PhotoVariant[] } | { ok: false; status: 'not_an_image' | 'too_many_pixels'; message: string };

/**
 * An upload re-encoded to WebP at each of PHOTO_WIDTHS (never enlarged), turned upright by
 * its EXIF orientation first. Nothing of the original's metadata is written: sharp keeps
 * none unless asked, and a phone photo's EXIF holds the home's GPS position and the
 * host's camera. The file is decoded once; each width is resized from that.
 */
export async function encodePhoto(input: Buffer): Promise<EncodeOutcome> {
  const sniffed = sniffPhotoFormat(input);
  if (!sniffed) return { ok: false, status: 'not_an_image', message: 'the body is not a JPEG, PNG or WebP image' };
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    return { ok: false, status: 'not_an_image', message: 'the body is not a JPEG, PNG or WebP image' };
  }
  if (meta.format !== sniffed) return { ok: false, status: 'not_an_image', message: `the file begins as ${sniffed} but reads as ${meta.format ?? 'nothing known'}` };
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

/**
 * The format a file's first bytes say it is, whatever its sender said: JPEG, PNG or WebP,
 * else null. Checked before libvips sees the bytes, so only these three decoders ever run
 * on what a stranger sent (libvips also reads SVG, PDF, TIFF, HEIF… each more code to
 * trust, and an SVG can name other files).
 */
export function sniffPhotoFormat(b: Buffer): 'jpeg' | 'png' | 'webp' | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_MAGIC)) return 'png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return null;
}
