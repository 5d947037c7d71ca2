-- Up Migration
-- The session key of the browser that asked for a sign-in link: the link signs that browser
-- in with one press; another browser must also give the address it was mailed to (a link
-- an attacker asked for cannot sign a victim in to the attacker's account). Links issued
-- before this (NULL) are treated as asked for elsewhere.
ALTER TABLE email_tokens ADD COLUMN requested_by TEXT;

-- Down Migration
ALTER TABLE email_tokens DROP COLUMN requested_by;
