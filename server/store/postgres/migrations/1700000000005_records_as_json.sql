-- Up Migration
-- Listings and the log's states are written whole and read back whole (the price history
-- reads two fields of one listing's few rows), never searched inside — the search index
-- does that. json keeps the text as written, where jsonb converts every record on the way
-- in: the larger part of an import's cost, as each imported listing is written twice (its
-- row and its change). 23,966 → 37,924 rows/s for the changes alone (BENCHMARKS.md).
ALTER TABLE listings ALTER COLUMN record TYPE json USING record::json;
ALTER TABLE changes ALTER COLUMN before TYPE json USING before::json, ALTER COLUMN after TYPE json USING after::json;

-- Down Migration
ALTER TABLE changes ALTER COLUMN before TYPE jsonb USING before::jsonb, ALTER COLUMN after TYPE jsonb USING after::jsonb;
ALTER TABLE listings ALTER COLUMN record TYPE jsonb USING record::jsonb;
