-- Up Migration
-- Where a saved search's or favourite's alerts go (CONTRACT.md "Alert channels"), and the
-- outbox of mail and push sends written with the alerts (server/alerts/alert-outbox.ts):
-- one row per (alert, channel), taken under an attempt lease by the one sender that holds
-- alert_sender's lease.
ALTER TABLE saved_searches ADD COLUMN channels JSONB NOT NULL DEFAULT '["page"]',
  ADD COLUMN frequency TEXT NOT NULL DEFAULT 'instant',
  ADD COLUMN email_note TEXT;
ALTER TABLE favourites ADD COLUMN channels JSONB NOT NULL DEFAULT '["page"]',
  ADD COLUMN frequency TEXT NOT NULL DEFAULT 'instant';
CREATE TABLE alert_outbox (
  id BIGSERIAL PRIMARY KEY,
  alert_id BIGINT NOT NULL,
  channel TEXT NOT NULL,
  owner TEXT NOT NULL,
  source TEXT NOT NULL,
  digest BOOLEAN NOT NULL,
  due_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  mail_key TEXT,
  done_at BIGINT,
  outcome TEXT,
  UNIQUE (alert_id, channel)
);
CREATE INDEX alert_outbox_due ON alert_outbox (due_at) WHERE done_at IS NULL;
CREATE INDEX alert_outbox_mail ON alert_outbox (mail_key) WHERE done_at IS NULL;
CREATE INDEX alert_outbox_sent ON alert_outbox (owner, done_at) WHERE outcome = 'sent';
CREATE INDEX alert_outbox_owner ON alert_outbox (owner, source) WHERE done_at IS NULL;
CREATE TABLE mail_locales (
  owner TEXT PRIMARY KEY,
  locale TEXT NOT NULL
);
CREATE TABLE alert_sender (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  holder TEXT,
  expires BIGINT NOT NULL
);

-- Down Migration
DROP TABLE alert_sender;
DROP TABLE mail_locales;
DROP TABLE alert_outbox;
ALTER TABLE favourites DROP COLUMN frequency, DROP COLUMN channels;
ALTER TABLE saved_searches DROP COLUMN email_note, DROP COLUMN frequency, DROP COLUMN channels;
