-- Up Migration
-- Each listing an alert shows, once per change and side (0: as it was before the change,
-- for a removal; 1: as the change left it), not in every alert row: a write into a popular
-- area makes hundreds of alerts of one listing, and writing its JSON into each was most of
-- the matcher's commit. Alerts written before keep their listing inline.
CREATE TABLE alert_listings (
  seq BIGINT NOT NULL,
  side SMALLINT NOT NULL,
  listing JSON NOT NULL,
  PRIMARY KEY (seq, side)
);
ALTER TABLE alerts ALTER COLUMN listing DROP NOT NULL;

-- Down Migration
UPDATE alerts a SET listing = l.listing FROM alert_listings l
  WHERE a.listing IS NULL AND l.seq = a.seq AND l.side = CASE WHEN a.reason = 'removed' THEN 0 ELSE 1 END;
ALTER TABLE alerts ALTER COLUMN listing SET NOT NULL;
DROP TABLE alert_listings;
