-- Up Migration
-- Renter and host conversations (server/conversations/conversation-store.ts). Message ids
-- come from a sequence taken under one advisory lock in the insert (as alert ids are), so
-- they increase in commit order: one number resumes every conversation on every node.
CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  listing_id TEXT NOT NULL,
  renter_id TEXT NOT NULL,
  host_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  listing JSON NOT NULL,
  last_message_id BIGINT NOT NULL DEFAULT 0,
  UNIQUE (listing_id, renter_id)
);
CREATE INDEX conversations_renter ON conversations (renter_id, last_message_id);
CREATE INDEX conversations_host ON conversations (host_id, last_message_id);
CREATE SEQUENCE message_ids;
CREATE TABLE messages (
  id BIGINT PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  recipient TEXT NOT NULL,
  text TEXT NOT NULL,
  client_id TEXT NOT NULL,
  sent_at BIGINT NOT NULL,
  UNIQUE (sender, client_id)
);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_recipient ON messages (recipient, id);
CREATE TABLE conversation_cursors (
  conversation_id TEXT NOT NULL,
  account_id TEXT NOT NULL,
  read_up_to BIGINT NOT NULL DEFAULT 0,
  delivered_up_to BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, account_id)
);
CREATE TABLE blocks (
  account_id TEXT NOT NULL,
  blocked_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (account_id, blocked_id)
);
CREATE SEQUENCE report_ids;
CREATE TABLE reports (
  id BIGINT PRIMARY KEY DEFAULT nextval('report_ids'),
  conversation_id TEXT NOT NULL,
  reporter TEXT NOT NULL,
  reason TEXT NOT NULL,
  at BIGINT NOT NULL
);

-- Down Migration
DROP TABLE reports;
DROP SEQUENCE report_ids;
DROP TABLE blocks;
DROP TABLE conversation_cursors;
DROP TABLE messages;
DROP SEQUENCE message_ids;
DROP TABLE conversations;
