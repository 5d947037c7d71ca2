import type { PushPayload } from '../contract/alert-channels';

/**
 * What the outbox asks of Web Push (h-push builds it in server/push/push-sender.ts with
 * exactly this shape; this is the seam, not an implementation).
 */
export interface PushSender {
  /**
   * Sends one payload to every push subscription of the owner (account id or anonymous
   * session key). Resolves with how many endpoints took it; endpoints answered 404/410
   * are dropped inside. Rejects only when a push service could not be reached or answered
   * 5xx/429 (then the outbox retries later).
   */
  sendToOwner(owner: string, payload: PushPayload): Promise<{ delivered: number }>;
}
