-- Scores of parts marked outside sathach (phần thực hành), as the grading board enters them:
-- one row per entry, never changed; the latest entry of each marking (first, second, third
-- grader) counts. Points are exact fractions.
CREATE TABLE practical_entries (
    id         TEXT PRIMARY KEY,
    attempt_id TEXT NOT NULL REFERENCES attempts (id),
    part_code  TEXT NOT NULL,
    marking    BIGINT NOT NULL,
    points_num BIGINT NOT NULL,
    points_den BIGINT NOT NULL,
    grader     TEXT NOT NULL,
    entered_by TEXT NOT NULL REFERENCES users (id),
    entered_at BIGINT NOT NULL,
    source     TEXT NOT NULL
);
CREATE INDEX practical_entries_attempt ON practical_entries (attempt_id, part_code, marking);

CREATE FUNCTION practical_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'practical entries are append-only: enter the score again';
END;
$$;
CREATE TRIGGER practical_entries_no_change BEFORE UPDATE OR DELETE ON practical_entries
FOR EACH ROW EXECUTE FUNCTION practical_entries_append_only();
