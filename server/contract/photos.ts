/**
 * Photos as the contract serves them (CONTRACT.md "Host listings and photos"): uploaded,
 * re-encoded and kept in the record, served from the site's own origin at a few widths.
 * The page builds its `srcset` from these, the server its routes.
 */

/** Widths each photo is stored at; the page picks with `sizes`. */
export const PHOTO_WIDTHS = [400, 800, 1600] as const;
export type PhotoWidth = (typeof PHOTO_WIDTHS)[number];
/** The width `/photos/:hash` serves without `?w=`. */
export const DEFAULT_PHOTO_WIDTH: PhotoWidth = 800;
/** Largest upload accepted (CONTRACT.md): 10 MiB. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** A stored photo's URL on our own origin: `/photos/<sha-256 hex>`. */
const OWN_PHOTO = /^\/photos\/([0-9a-f]{64})$/;

export function ownPhotoUrl(hash: string): string {
  return `/photos/${hash}`;
}

/** The content hash of one of our own photo URLs, or null for anything else. */
export function ownPhotoHash(url: string): string | null {
  return OWN_PHOTO.exec(url)?.[1] ?? null;
}

/**
 * The photos a page shows: our own only. A URL on another site (an import's, waiting for
 * the photo importer, or on a host it does not fetch from) never goes into an <img>: the
 * renter's browser would ask that site for it, telling it who looks at which home (and
 * the page's CSP, img-src 'self', would refuse it anyway, leaving a broken image).
 */
export function shownPhotos(photos: readonly string[] | undefined): string[] {
  return (photos ?? []).filter((u) => ownPhotoHash(u) !== null);
}

/** `src` and `srcset` for an <img> of a listing's photo: our own at every width, or the URL as given. */
export function photoSources(url: string): { src: string; srcSet?: string } {
  if (ownPhotoHash(url) === null) return { src: url };
  return {
    src: `${url}?w=${DEFAULT_PHOTO_WIDTH}`,
    srcSet: PHOTO_WIDTHS.map((w) => `${url}?w=${w} ${w}w`).join(', '),
  };
}
