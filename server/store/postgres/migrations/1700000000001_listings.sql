-- Up Migration
-- A listing as a JSON record: the store is the record, the search index holds the columns
-- it searches on (embedded: typed arrays; cluster: the mapping), so no column list here
-- has to follow the Listing.
CREATE TABLE listings (
  id TEXT PRIMARY KEY,
  record JSONB NOT NULL
);
-- The outbox. seq comes from a sequence taken under one transaction-scoped advisory lock
-- (see postgres-listing-store.ts), so sequence order is commit order and a reader that
-- follows seq never passes a change that commits later with a smaller number.
CREATE SEQUENCE changes_seq;
CREATE TABLE changes (
  seq BIGINT PRIMARY KEY,
  listing_id TEXT NOT NULL,
  op TEXT NOT NULL CHECK (op IN ('upsert', 'remove')),
  before JSONB,
  after JSONB,
  at BIGINT NOT NULL
);
CREATE INDEX changes_by_listing ON changes (listing_id, seq);
CREATE TABLE search_areas (
  id TEXT PRIMARY KEY,
  definition JSONB NOT NULL
);
CREATE SEQUENCE search_area_versions;
CREATE TABLE search_area_log (
  version BIGINT PRIMARY KEY,
  id TEXT NOT NULL,
  definition JSONB
);
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

-- Down Migration
DROP TABLE meta;
DROP TABLE search_area_log;
DROP SEQUENCE search_area_versions;
DROP TABLE search_areas;
DROP TABLE changes;
DROP SEQUENCE changes_seq;
DROP TABLE listings;
