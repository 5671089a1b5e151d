-- Failed candidate sign-ins count per computer (a cookie's digest), pruned by age; a waiting
-- computer shows its address to the proctor; a proctor who unlocks a number or reissues its
-- code lets the candidate start after the late-entry cut-off.
ALTER TABLE candidate_failures ADD COLUMN device TEXT NOT NULL DEFAULT '';
CREATE INDEX candidate_failures_at ON candidate_failures (at);
ALTER TABLE candidate_devices ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN late_entry_by TEXT REFERENCES users (id);
