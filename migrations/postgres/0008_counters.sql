-- Numbers handed out in sequence (papers of a centre, candidates of a session) and rows that
-- serialise concurrent writers of one record (imports of one bank, versions of one blueprint).
-- A transaction takes the row with INSERT … ON CONFLICT DO UPDATE … RETURNING, so on
-- PostgreSQL a concurrent transaction waits for it instead of taking the same number.
CREATE TABLE counters (
    scope TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
