-- Up Migration
-- The sender's take (postgres-alert-store.ts takeDue) walks this in order and stops at a
-- page: due rows of its channel, oldest due first. On (due_at) alone it read every due row
-- and sorted them for each page — with the push service down for an hour, or one city's
-- flood, 200,000 rows read for each 500 taken (80–180 ms a take, so a backlog drained in
-- time that grew with its square); now ~1,500 rows (under a millisecond). Rows waiting for
-- the digest or a retry are due later and lie past the walk.
CREATE INDEX alert_outbox_take ON alert_outbox (channel, due_at, id) WHERE done_at IS NULL;
DROP INDEX alert_outbox_due;
-- Finished rows by when, so they are forgotten a day later (forgetDone) without a walk of the
-- table: before, every row ever sent stayed, two an alert.
CREATE INDEX alert_outbox_done ON alert_outbox (done_at) WHERE done_at IS NOT NULL;

-- Down Migration
DROP INDEX alert_outbox_done;
CREATE INDEX alert_outbox_due ON alert_outbox (due_at) WHERE done_at IS NULL;
DROP INDEX alert_outbox_take;
