-- Regrading after a key correction: one regrade per published bank version that corrected
-- keys (its id is that bank version's id), the corrected item versions it applies, and the
-- attempts it must score again, each marked done in the transaction that rescored it, so the
-- work resumes where it stopped after a restart. The changes themselves are result rows
-- (kind 'regraded'); these tables only say which rows a regrade wrote.
CREATE TABLE regrades (
    id           TEXT PRIMARY KEY REFERENCES bank_versions (id),
    reason       TEXT NOT NULL,
    requested_by TEXT REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    -- Set once every attempt to score again is listed (listed in short batches, resumed
    -- after a restart); the work starts then.
    listed_at    BIGINT,
    total        BIGINT NOT NULL,
    finished_at  BIGINT
);

CREATE TABLE regrade_items (
    regrade_id      TEXT NOT NULL REFERENCES regrades (id),
    item_version_id TEXT NOT NULL REFERENCES item_versions (id),
    PRIMARY KEY (item_version_id)
);

CREATE TABLE regrade_attempts (
    regrade_id       TEXT NOT NULL REFERENCES regrades (id),
    attempt_id       TEXT NOT NULL REFERENCES attempts (id),
    done_at          BIGINT,
    -- The attempt's current result when it was rescored, and the row the regrade appended
    -- (NULL when the corrected keys changed nothing).
    before_result_id TEXT REFERENCES results (id),
    after_result_id  TEXT REFERENCES results (id),
    -- Why the attempt could not be scored again (it is left as it was, and shown to staff).
    failure          TEXT,
    PRIMARY KEY (regrade_id, attempt_id)
);
CREATE INDEX regrade_attempts_attempt ON regrade_attempts (attempt_id);

-- Key corrections are few: found without reading every item version.
CREATE INDEX item_versions_key_correction ON item_versions (item_id) WHERE key_correction = 1;
