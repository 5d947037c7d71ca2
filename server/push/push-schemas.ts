import { z } from 'zod';

const base64url = (bytes: number, what: string) =>
  z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, `must be URL-safe base64 (${what})`)
    .refine((v) => Buffer.from(v, 'base64url').length === bytes, `must be ${bytes} bytes (${what})`);

/**
 * A browser's `PushSubscription.toJSON()` (CONTRACT.md "Alert channels"): an https
 * endpoint, the browser's P-256 key (an uncompressed point, 65 bytes) and its 16-byte auth
 * secret. Whether the endpoint's host may be called is PUSH_HOSTS' to say (422).
 */
export const pushSubscriptionSchema = z
  .object({
    endpoint: z.string().max(2048).url('must be a URL').regex(/^https:\/\//i, 'must be an https:// URL'),
    expirationTime: z.number().nullable().optional(),
    keys: z
      .object({
        p256dh: base64url(65, 'a P-256 public key').refine((v) => Buffer.from(v, 'base64url')[0] === 4, 'must be an uncompressed P-256 point'),
        auth: base64url(16, 'the auth secret'),
      })
      .strict(),
  })
  .strict();

export const pushEndpointSchema = z.object({ endpoint: z.string().min(1).max(2048) }).strict();
