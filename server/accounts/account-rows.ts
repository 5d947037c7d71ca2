import type { Account, Passkey, SessionRow } from './account-store';

/** Rows of the people's tables as both stores read them (column names as in SQL). */
export type AccountRow = { id: string; email: string | null; name: string; created_at: number };
export type SessionDbRow = { id_hash: string; handle: string; owner: string; account_id: string | null; created_at: number; seen_at: number; expires_at: number; device: string };
export type PasskeyRow = { id: string; account_id: string; public_key: Buffer; counter: number; created_at: number; last_used_at: number | null };

export const accountOf = (r: AccountRow): Account => ({ id: r.id, email: r.email, name: r.name, createdAt: r.created_at });

export const sessionOf = (r: SessionDbRow): SessionRow => ({
  key: r.id_hash,
  handle: r.handle,
  owner: r.owner,
  accountId: r.account_id,
  createdAt: r.created_at,
  seenAt: r.seen_at,
  expiresAt: r.expires_at,
  device: r.device,
});

/** A passkey row; its transports as each store keeps them (SQLite: JSON text, PostgreSQL: jsonb). */
export const passkeyOf = (r: PasskeyRow, transports: string[]): Passkey => ({
  id: r.id,
  accountId: r.account_id,
  publicKey: new Uint8Array(r.public_key),
  counter: Number(r.counter),
  transports,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
});
