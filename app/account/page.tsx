import type { Metadata } from 'next';
import { pageTitle } from '@/components/i18n/request-locale';
import { AccountPage } from '@/components/account/account-page';

export const generateMetadata = async (): Promise<Metadata> => ({ title: await pageTitle('accountTitle') });

export default function Account() {
  return <AccountPage />;
}
