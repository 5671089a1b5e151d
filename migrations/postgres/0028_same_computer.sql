-- Which computer (the digest of its computer cookie) signed in: a sign-in repeated by the same
-- computer soon after (a reply lost on a weak network, a second press, or the balancer sending
-- it again to another node) takes that sign-in's place instead of waiting behind it.
ALTER TABLE candidate_devices ADD COLUMN computer_digest TEXT NOT NULL DEFAULT '';
