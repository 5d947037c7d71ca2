-- Up Migration
-- The photo importer's record (server/photos/photo-import-store.ts): what each external
-- photo URL became (a stored photo's hash, or failures and when to retry, or given up),
-- the listings still naming photos to fetch, and how far the change log has been read.
CREATE TABLE photo_sources (
  url TEXT PRIMARY KEY,
  hash TEXT,
  failures INTEGER NOT NULL,
  dead BOOLEAN NOT NULL,
  retry_at BIGINT NOT NULL,
  last_error TEXT
);
CREATE TABLE photo_import_queue (
  listing_id TEXT PRIMARY KEY,
  due_at BIGINT NOT NULL
);
CREATE INDEX photo_import_due ON photo_import_queue (due_at, listing_id);
CREATE TABLE photo_import_cursor (
  name TEXT PRIMARY KEY,
  seq BIGINT NOT NULL,
  hosts TEXT NOT NULL
);

-- Down Migration
DROP TABLE photo_import_cursor;
DROP TABLE photo_import_queue;
DROP TABLE photo_sources;
