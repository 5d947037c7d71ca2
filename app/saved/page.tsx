import type { Metadata } from 'next';
import { pageTitle } from '@/components/i18n/request-locale';
import { SavedPage } from '@/components/saved/saved-page';

export const generateMetadata = async (): Promise<Metadata> => ({ title: await pageTitle('savedTitle') });

export default function Saved() {
  return <SavedPage />;
}
