-- Up Migration
-- Which node holds each renter's sockets until when (the database's clock), so an alert's
-- doorbell goes only to those nodes (server/alerts/holder-registry.ts).
CREATE TABLE holders (
  session TEXT NOT NULL,
  node TEXT NOT NULL,
  expires BIGINT NOT NULL,
  PRIMARY KEY (session, node)
);

-- Down Migration
DROP TABLE holders;
