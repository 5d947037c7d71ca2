import type { Metadata } from 'next';
import { pageTitle } from '@/components/i18n/request-locale';
import { EmailLinkConfirm } from '@/components/account/email-link-confirm';

export const dynamic = 'force-dynamic';
export const generateMetadata = async (): Promise<Metadata> => ({ title: await pageTitle('signIn'), robots: { index: false } });

/**
 * Where a sign-in mail's link lands. Opening it spends nothing — mail scanners follow
 * links — the renter's press of the button does.
 */
export default async function EmailSignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = (await searchParams).token;
  const token = typeof raw === 'string' ? raw.slice(0, 200) : '';
  return <EmailLinkConfirm token={token} />;
}
