-- Up Migration
-- The outbox sent by several nodes at once (issue 29): one lease per slice of the owners
-- (`idx` of `count`, by a hash of the owner), beside alert_sender's one lease for the
-- whole outbox (count 1, as before).
CREATE TABLE alert_sender_parts (
  count INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  holder TEXT,
  expires BIGINT NOT NULL,
  PRIMARY KEY (count, idx)
);

-- Down Migration
DROP TABLE alert_sender_parts;
