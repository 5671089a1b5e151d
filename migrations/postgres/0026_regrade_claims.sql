-- Several nodes split a regrade: each takes a batch of unscored attempts for a while
-- (results::regrade), and a batch whose node stopped is taken by another once its claim ran out.
ALTER TABLE regrade_attempts ADD COLUMN claimed_by TEXT;
ALTER TABLE regrade_attempts ADD COLUMN claimed_until BIGINT;
