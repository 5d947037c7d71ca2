'use client';

import { useI18n } from '@/components/i18n/i18n';
import type { Listing } from '@/server/core/listing';

/** "Entire home · 2 bedrooms": a listing's kind in the page's language. */
export function useListingFacts() {
  const { t } = useI18n();
  return (l: Listing): string => {
    const parts = [t(`type_${l.type}`)];
    if (l.bedrooms !== undefined) {
      parts.push(l.bedrooms === 0 ? t('studio') : l.bedrooms === 1 ? t('bedroom') : t('bedrooms', { n: l.bedrooms }));
    }
    return parts.join(' · ');
  };
}
