import { request } from '@/components/account/api-request';
import type { ConversationJson, MessageJson, MessagesPageJson } from '@/server/contract/conversations';

/** The conversations API of CONTRACT.md, as the page calls it. */
export const messagesApi = {
  list: () => request<{ conversations: ConversationJson[] }>('/api/conversations').then((b) => b.conversations),
  start: (listingId: string) => request<{ conversation: ConversationJson }>('/api/conversations', { method: 'POST', body: { listingId } }).then((b) => b.conversation),
  one: (id: string) => request<{ conversation: ConversationJson }>(`/api/conversations/${encodeURIComponent(id)}`).then((b) => b.conversation),
  page: (id: string, before = 0) => request<MessagesPageJson>(`/api/conversations/${encodeURIComponent(id)}/messages?limit=50${before ? `&before=${before}` : ''}`),
  send: (id: string, clientId: string, text: string) =>
    request<{ message: MessageJson }>(`/api/conversations/${encodeURIComponent(id)}/messages`, { method: 'POST', body: { clientId, text } }).then((b) => b.message),
  read: (id: string, upTo: number) => request<void>(`/api/conversations/${encodeURIComponent(id)}/read`, { method: 'POST', body: { upTo } }),
  block: (id: string) => request<void>(`/api/conversations/${encodeURIComponent(id)}/block`, { method: 'POST' }),
  unblock: (id: string) => request<void>(`/api/conversations/${encodeURIComponent(id)}/unblock`, { method: 'POST' }),
  report: (id: string, reason: string) => request<void>(`/api/conversations/${encodeURIComponent(id)}/report`, { method: 'POST', body: { reason } }),
};

/** A new message's own id: unique per device, kept across retries so the server makes it once. */
export function newClientId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
