-- Up Migration
-- The sender's take (postgres-alert-store.ts takeDue) walks this in order and stops at a
-- page: due rows of its channel, oldest due first. On (due_at) alone it read every due row
-- and sorted them for each page — with the push service down for an hour, or one city's
-- flood, 200,000 rows read for each 500 taken (80–180 ms a take, so a backlog drained in
-- time that grew with its square); now ~1,500 rows (under a millisecond). Rows waiting for
-- the digest or a retry are due later and lie past the walk.
CREATE INDEX alert_outbox_take ON alert_outbox (channel, due_at, id) WHERE done_at IS NULL;
DROP INDEX alert_outbox_due;
-- Half of each page left free, so a take's lease (lease_until, attempts: in no index) is a
-- HOT update on the row's own page: with pages packed full each lease wrote a new copy of the
-- row into all five indexes. `npm run bench:outbox-rows` (2026-12-07, 2 × EPYC, busy): the
-- lease 18.2–21.5 → 3.9–5.7 µs of PostgreSQL's CPU a row; a row's insert, lease and mark
-- together 32.6–39.1 → 18.0–25.9 µs. New pages only; the outbox turns over.
ALTER TABLE alert_outbox SET (fillfactor = 50);
-- Finished rows by when, so they are forgotten a day later (forgetDone) without a walk of the
-- table: before, every row ever sent stayed, two an alert.
CREATE INDEX alert_outbox_done ON alert_outbox (done_at) WHERE done_at IS NOT NULL;

-- Down Migration
DROP INDEX alert_outbox_done;
ALTER TABLE alert_outbox RESET (fillfactor);
CREATE INDEX alert_outbox_due ON alert_outbox (due_at) WHERE done_at IS NULL;
DROP INDEX alert_outbox_take;
