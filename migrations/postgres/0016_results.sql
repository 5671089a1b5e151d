-- Results are append-only: a submission, a regrade, a practical score or a reopening adds a
-- row; an attempt's current result is its row with the highest `seq`. Points are exact
-- fractions (points_num/points_den); `score` is the typed scoring (grading::model::ScoreResult)
-- with the item versions and keys it was scored against. A reopening writes a `withdrawn` row
-- with no score. Rows of the old `attempt_results` are recomputed into this table when the
-- server starts, and then removed from it.
CREATE TABLE results (
    id               TEXT PRIMARY KEY,
    attempt_id       TEXT NOT NULL REFERENCES attempts (id),
    seq              BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    scoring_version  TEXT NOT NULL,
    outcome          TEXT,
    points_num       BIGINT,
    points_den       BIGINT,
    max_points       BIGINT,
    score            TEXT,
    responses_digest TEXT NOT NULL,
    recorded_by      TEXT REFERENCES users (id),
    reason           TEXT,
    after_approval   BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    UNIQUE (attempt_id, seq)
);

CREATE FUNCTION results_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'results are append-only: add a new result row instead';
END;
$$;
CREATE TRIGGER results_no_change BEFORE UPDATE OR DELETE ON results
FOR EACH ROW EXECUTE FUNCTION results_append_only();

-- A session's results are final once its centre manager (or an admin) approves them.
CREATE TABLE result_approvals (
    session_id  TEXT PRIMARY KEY REFERENCES exam_sessions (id),
    approved_by TEXT NOT NULL REFERENCES users (id),
    approved_at BIGINT NOT NULL
);
