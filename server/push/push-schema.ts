/**
 * The push tables in alerts.db. The alert store makes them too (with its own tables) so a
 * sign-in, which moves an anonymous owner's records in the account store's transaction
 * (accounts/owned-records.ts), always finds them; the push store makes them on its own for
 * a file opened without it. PostgreSQL: migration 1700000000014_push.sql.
 */
export const PUSH_SCHEMA_SQLITE = `
CREATE TABLE IF NOT EXISTS push_subscriptions (
  endpoint TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  locale TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS push_subscriptions_owner ON push_subscriptions (owner, created_at);
CREATE TABLE IF NOT EXISTS push_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS push_cursors (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS push_notices (
  key TEXT PRIMARY KEY,
  at INTEGER NOT NULL
) WITHOUT ROWID;
`;
