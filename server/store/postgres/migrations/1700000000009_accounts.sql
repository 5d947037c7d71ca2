-- Up Migration
-- People (server/accounts/account-store.ts): accounts, sessions as rows (a cookie names a
-- row by the SHA-256 of its id, so expiry, sign-out and "sign the others out" are real),
-- sign-in tokens (hashed, single use), passkeys and their challenges, and which account
-- hosts which listing.
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  email TEXT UNIQUE,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  owner TEXT NOT NULL,
  account_id TEXT,
  created_at BIGINT NOT NULL,
  seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  device TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);
CREATE TABLE email_tokens (
  hash TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  spent_at BIGINT
);
CREATE TABLE passkeys (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  public_key BYTEA NOT NULL,
  counter BIGINT NOT NULL,
  transports JSONB NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX passkeys_account ON passkeys (account_id);
CREATE TABLE webauthn_challenges (
  challenge TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  account_id TEXT,
  expires_at BIGINT NOT NULL
);
CREATE TABLE host_links (
  listing_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX host_links_account ON host_links (account_id, created_at);
-- Favourites are homes by id, apart from saved searches; the listing as it was when saved
-- (and the price then) so a home taken down still shows on /saved.
CREATE TABLE favourites (
  owner TEXT NOT NULL,
  listing_id TEXT NOT NULL,
  saved_at BIGINT NOT NULL,
  price_when_saved INTEGER NOT NULL,
  listing JSON NOT NULL,
  since BIGINT NOT NULL,
  PRIMARY KEY (owner, listing_id)
);
CREATE INDEX favourites_listing ON favourites (listing_id);
-- One alert per home per change per owner, however many of their searches and favourites
-- it matches: the key moves from (change, search) to (change, owner). Repeats an earlier
-- release wrote (a favourite and a search on one drop) keep their first.
DELETE FROM alerts a USING alerts b WHERE a.seq = b.seq AND a.session = b.session AND a.id > b.id;
ALTER TABLE alerts DROP CONSTRAINT IF EXISTS alerts_seq_search_id_key;
CREATE UNIQUE INDEX alerts_once ON alerts (seq, session);
-- Photos, re-encoded, by content hash and width: any node serves any photo, backups hold them.
CREATE TABLE photos (
  hash TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  bytes BYTEA NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (hash, width)
);

-- Down Migration
DROP TABLE photos;
DROP INDEX alerts_once;
ALTER TABLE alerts ADD CONSTRAINT alerts_seq_search_id_key UNIQUE (seq, search_id);
DROP TABLE favourites;
DROP TABLE host_links;
DROP TABLE webauthn_challenges;
DROP TABLE passkeys;
DROP TABLE email_tokens;
DROP TABLE sessions;
DROP TABLE accounts;
