import type { Metadata } from 'next';
import { ConversationView } from '@/components/messages/conversation-view';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Conversation — Roost', robots: { index: false } };

export default async function Conversation({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ConversationView id={decodeURIComponent(id).slice(0, 64)} />;
}
