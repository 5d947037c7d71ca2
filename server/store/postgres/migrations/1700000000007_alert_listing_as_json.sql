-- Up Migration
-- An alert's listing is written once and read back whole, never searched inside: json
-- keeps the text, where jsonb converted each of the hundreds of copies a popular write makes.
ALTER TABLE alerts ALTER COLUMN listing TYPE json USING listing::json;

-- Down Migration
ALTER TABLE alerts ALTER COLUMN listing TYPE jsonb USING listing::jsonb;
