import type { Metadata } from 'next';
import { pageTitle } from '@/components/i18n/request-locale';
import { ConversationView } from '@/components/messages/conversation-view';

export const dynamic = 'force-dynamic';
export const generateMetadata = async (): Promise<Metadata> => ({ title: await pageTitle('messagesTitle'), robots: { index: false } });

export default async function Conversation({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ConversationView id={decodeURIComponent(id).slice(0, 64)} />;
}
