-- Delivery: candidates' answers (ordered, idempotent saves), their signed-in devices, guessing
-- throttled per candidate number, and each submitted attempt's result and digest.

ALTER TABLE exam_sessions ADD COLUMN ask_birth_date BIGINT NOT NULL DEFAULT 0;

-- The furthest question reached, for sequential navigation (next only).
ALTER TABLE attempts ADD COLUMN position BIGINT NOT NULL DEFAULT 0;

CREATE TABLE responses (
    attempt_id TEXT NOT NULL REFERENCES attempts (id),
    item_id    TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    value      TEXT,
    flagged    BIGINT NOT NULL DEFAULT 0,
    saved_at   BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, item_id)
);

CREATE TABLE candidate_devices (
    token_digest TEXT PRIMARY KEY,
    attempt_id   TEXT NOT NULL REFERENCES attempts (id),
    status       TEXT NOT NULL CHECK (status IN ('active', 'pending', 'revoked')),
    created_at   BIGINT NOT NULL,
    decided_at   BIGINT,
    decided_by   TEXT REFERENCES users (id)
);
CREATE INDEX candidate_devices_attempt ON candidate_devices (attempt_id, status);

CREATE TABLE candidate_failures (
    id               TEXT PRIMARY KEY,
    candidate_number TEXT NOT NULL,
    at               BIGINT NOT NULL
);
CREATE INDEX candidate_failures_number ON candidate_failures (candidate_number, at);

CREATE TABLE attempt_results (
    attempt_id       TEXT PRIMARY KEY REFERENCES attempts (id),
    outcome          TEXT NOT NULL,
    points           TEXT NOT NULL,
    max_points       BIGINT NOT NULL,
    detail           TEXT NOT NULL,
    responses_digest TEXT NOT NULL,
    created_at       BIGINT NOT NULL
);
