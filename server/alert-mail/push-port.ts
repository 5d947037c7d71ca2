/** What the outbox asks of Web Push: the push module's sender (server/push/push-sender.ts). */
export type { PushSender } from '../push/push-sender';
