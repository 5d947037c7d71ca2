-- Up Migration
-- The change log's last sequence when a search was saved: it hears only of later changes.
-- Existing searches (0) hear of everything after the matcher's cursor, as they did.
ALTER TABLE saved_searches ADD COLUMN since BIGINT NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE saved_searches DROP COLUMN since;
