-- Up Migration
-- Named leases on the database's clock (one clock for every host): which node applies
-- the change log to a shared search index.
CREATE TABLE leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires BIGINT NOT NULL
);

-- Down Migration
DROP TABLE leases;
