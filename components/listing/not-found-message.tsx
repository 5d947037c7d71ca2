'use client';

import Link from 'next/link';
import { useI18n } from '@/components/i18n/i18n';

export function NotFoundMessage() {
  const { t } = useI18n();
  return (
    <main className="page not-found" data-testid="not-found">
      <h1>404</h1>
      <p>{t('notFound')}</p>
      <Link href="/">{t('backToMap')}</Link>
    </main>
  );
}
