/**
 * The accounts part of the wire contract (CONTRACT.md "Accounts"): request bodies as zod
 * schemas the server validates with, and the JSON shapes the page reads. Imported by both.
 */
import { z } from 'zod';

export const MAX_EMAIL_LENGTH = 254;
export const MAX_NAME_LENGTH = 80;

/**
 * An address as people type it: trimmed, lower-cased (one account per mailbox, however it
 * is capitalised), one @, a dot in the domain, no spaces or angle brackets that would let
 * a header or a display name ride along.
 */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`)
  .regex(/^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/, 'must be an email address');

/** A display name: plain text, no control characters (a right-to-left override would spoof what others read). */
export const accountNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(MAX_NAME_LENGTH, `must be at most ${MAX_NAME_LENGTH} characters`)
  .refine((s) => !/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(s), 'must not contain control characters');

export const emailSignInSchema = z.object({ email: emailSchema }).strict();
/** `email`: needed only in a browser other than the one that asked for the link (the address it was mailed to). */
export const emailVerifySchema = z.object({ token: z.string().min(1).max(200), email: emailSchema.optional() }).strict();
export const mePatchSchema = z
  .object({ name: accountNameSchema })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'give name');

/** A passkey ceremony's answer from the browser: @simplewebauthn/browser's JSON, checked by the server library. */
export const passkeyResponseSchema = z.object({ response: z.record(z.string(), z.unknown()) }).strict();
/** Registration may carry a name for a new account (a passkey-only sign-up). */
export const passkeyRegisterOptionsSchema = z.object({ name: accountNameSchema.optional() }).strict();

export interface AccountJson {
  id: string;
  email: string | null;
  name: string;
  host: boolean;
}

export interface MeJson {
  account: AccountJson | null;
}

export interface SessionJson {
  id: string;
  current: boolean;
  /** The browser as it named itself, cut short. */
  device: string;
  createdAt: string;
  lastSeenAt: string;
}

export interface SessionsJson {
  sessions: SessionJson[];
}
