import type { PushPayload } from '../contract/alert-channels';

/** How much of a message a notification shows (a lock screen shows two or three lines). */
export const NOTICE_TEXT_CHARS = 140;

const TITLE: Record<string, (name: string) => string> = {
  en: (name) => (name ? `New message from ${name}` : 'New message'),
  zh: (name) => (name ? `${name} 发来新消息` : '新消息'),
};

/** The text cut at a character (never inside a surrogate pair), with an ellipsis when cut; whitespace runs made one space. */
export function cutText(text: string, chars = NOTICE_TEXT_CHARS): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const points = Array.from(flat);
  return points.length <= chars ? flat : `${points.slice(0, chars - 1).join('').trimEnd()}…`;
}

/**
 * "New message from Ann" and what she wrote, as text (the service worker shows it with
 * `showNotification`, which renders no markup), opening the conversation. One tag per
 * conversation: a newer notice replaces the one before it.
 */
export function messageNotice(locale: string, senderName: string, conversationId: string, text: string): PushPayload {
  const title = (TITLE[locale] ?? TITLE.en!)(senderName.slice(0, 60));
  return { title, body: cutText(text), url: `/messages/${encodeURIComponent(conversationId)}`, tag: `message:${conversationId}` };
}
