-- Up Migration
-- Web Push (server/push/push-store.ts, issue 29): the browsers' subscriptions by owner (an
-- account, or an anonymous session's owner key; moved at sign-in, forgotten with the
-- owner), the message notifier's claims (one notification per conversation and recipient
-- per period, whichever node sends it) and its place in the messages table. The VAPID keys
-- are in meta ('vapid-keys'), beside the session secret.
CREATE TABLE push_subscriptions (
  endpoint TEXT PRIMARY KEY,
  owner TEXT NOT NULL,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  locale TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX push_subscriptions_owner ON push_subscriptions (owner, created_at);
CREATE TABLE push_notices (
  key TEXT PRIMARY KEY,
  at BIGINT NOT NULL
);
CREATE TABLE push_cursors (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);

-- Down Migration
DROP TABLE push_cursors;
DROP TABLE push_notices;
DROP TABLE push_subscriptions;
DELETE FROM meta WHERE key = 'vapid-keys';
