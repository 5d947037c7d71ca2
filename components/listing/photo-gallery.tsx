'use client';

import { useI18n } from '@/components/i18n/i18n';
import { photoSources, shownPhotos } from '@/server/contract/photos';
import type { Listing } from '@/server/core/listing';

/**
 * The listing's photos in a row that scrolls sideways (snap per photo), lazy and sized so
 * nothing jumps while they load; a calm placeholder when there is none to show. Only
 * photos stored here are shown (shownPhotos): an imported URL waits for the importer.
 */
export function PhotoGallery({ listing }: { listing: Listing }) {
  const { t } = useI18n();
  const photos = shownPhotos(listing.photos);
  if (photos.length === 0) {
    return (
      <div className="gallery-empty" data-testid="no-photos">
        <span className="gallery-empty-icon" aria-hidden="true">⌂</span>
        <span>{t('noPhotos')}</span>
      </div>
    );
  }
  return (
    <div className="gallery" data-testid="gallery">
      {photos.map((url, i) => (
        <img
          key={url}
          {...photoSources(url)}
          sizes="(max-width: 720px) 100vw, 640px"
          alt={t('photoOf', { n: i + 1, count: photos.length })}
          loading={i === 0 ? 'eager' : 'lazy'}
          decoding="async"
          width={640}
          height={427}
          referrerPolicy="no-referrer"
        />
      ))}
    </div>
  );
}
