import type { Metadata } from 'next';
import { ConversationsPage } from '@/components/messages/conversations-page';

export const metadata: Metadata = { title: 'Messages — Roost' };

export default function Messages() {
  return <ConversationsPage />;
}
