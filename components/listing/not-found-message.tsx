'use client';

import Link from 'next/link';
import { SiteHeader } from '@/components/account/site-header';
import { useI18n } from '@/components/i18n/i18n';

/**
 * The site's 404, for any address that is no page (a listing's own 404 is GoneHome): it said
 * "This listing does not exist" of every mistyped address, with no header to go on from.
 */
export function NotFoundMessage() {
  const { t } = useI18n();
  return (
    <>
      <SiteHeader />
      <main className="page not-found" data-testid="not-found">
        <h1>404</h1>
        <p>{t('pageNotFound')}</p>
        <Link className="back" href="/">
          {t('backToMap')}
        </Link>
      </main>
    </>
  );
}
