import type { Metadata } from 'next';
import { pageTitle } from '@/components/i18n/request-locale';
import { UnsubscribePage } from '@/components/alerts/unsubscribe-page';

export const dynamic = 'force-dynamic';
export const generateMetadata = async (): Promise<Metadata> => ({ title: await pageTitle('unsubscribeTitle'), robots: { index: false } });

/** An alert mail's footer link: the page's button turns that search's or favourite's email off. */
export default async function Unsubscribe({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).token;
  const token = typeof raw === 'string' ? raw.slice(0, 500) : '';
  return <UnsubscribePage token={token} />;
}
