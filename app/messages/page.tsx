import type { Metadata } from 'next';
import { pageTitle } from '@/components/i18n/request-locale';
import { ConversationsPage } from '@/components/messages/conversations-page';

export const generateMetadata = async (): Promise<Metadata> => ({ title: await pageTitle('messagesTitle') });

export default function Messages() {
  return <ConversationsPage />;
}
