-- Up Migration
CREATE TABLE saved_searches (
  id TEXT PRIMARY KEY,
  session TEXT NOT NULL,
  name TEXT NOT NULL,
  area JSONB NOT NULL,
  filters JSONB NOT NULL,
  notify JSONB NOT NULL,
  paused BOOLEAN NOT NULL DEFAULT FALSE,
  created_at BIGINT NOT NULL
);
CREATE INDEX saved_searches_session ON saved_searches (session, created_at, id);
-- Ids from a sequence taken under the alerts' advisory lock (postgres-alert-store.ts), so
-- they increase in commit order: every node delivers by following them.
CREATE SEQUENCE alert_ids;
CREATE TABLE alerts (
  id BIGINT PRIMARY KEY,
  session TEXT NOT NULL,
  search_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  reason TEXT NOT NULL,
  listing JSONB NOT NULL,
  at BIGINT NOT NULL,
  previous_price INTEGER,
  UNIQUE (seq, search_id)
);
CREATE INDEX alerts_session ON alerts (session, id);
-- One row: how far the cluster has matched the change log, and which node holds the work
-- until when (the database's clock, so hosts' clocks need not agree).
CREATE TABLE matcher (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  cursor BIGINT NOT NULL,
  holder TEXT,
  expires BIGINT NOT NULL
);

-- Down Migration
DROP TABLE matcher;
DROP TABLE alerts;
DROP SEQUENCE alert_ids;
DROP TABLE saved_searches;
