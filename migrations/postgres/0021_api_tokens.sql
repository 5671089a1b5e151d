-- API tokens for the provincial read-only API (/api/v1): one organisation each (a Department
-- or one of its centres), stored only as the SHA-256 digest of the token; `hint` is its first
-- characters, enough to recognise it in a list. A revoked token stays, with who and when.
CREATE TABLE api_tokens (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    hint            TEXT NOT NULL,
    digest          TEXT NOT NULL UNIQUE,
    created_by      TEXT NOT NULL REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    last_used_at    BIGINT,
    revoked_by      TEXT REFERENCES users (id),
    revoked_at      BIGINT,
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX api_tokens_organisation ON api_tokens (organisation_id, created_at);

-- The API pages the ledger and the certificates in the order they were written.
CREATE INDEX credit_entries_written ON credit_entries (created_at, id);
CREATE INDEX certificates_written ON certificates (created_at, id);
