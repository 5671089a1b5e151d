-- A temporary password (new account, reset) works for 72 hours; NULL once the owner has set
-- their own. Temporary passwords already handed out count from the account's creation.
ALTER TABLE users ADD COLUMN temporary_until BIGINT;
UPDATE users SET temporary_until = created_at + 259200000 WHERE must_change_password = 1;

-- Failures older than the throttling window are pruned by time.
CREATE INDEX sign_in_failures_at ON sign_in_failures (at);
