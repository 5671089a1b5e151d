-- The credit ledger (sổ tín chỉ) and the certificates sathach issues. Every table here is
-- append-only: a regrade that turns a pass into a fail, or a revocation, is a new row with a
-- reason and an author, never a change to an old one.

-- Recognised earlier certificates (chứng chỉ đã có) that staff record on a person's record;
-- `equivalence` is a code from the catalog's [[equivalences]], which says what it counts as.
CREATE TABLE earlier_certificates (
    id          TEXT PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people (id),
    equivalence TEXT NOT NULL,
    number      TEXT NOT NULL,
    issuer      TEXT NOT NULL,
    issued_on   TEXT NOT NULL,
    scan_sha256 TEXT REFERENCES media (sha256),
    scan_name   TEXT,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX earlier_certificates_person ON earlier_certificates (person_id);

-- One row per change to a person's credits: 'earned' (a module from an approved passing
-- attempt), 'earlier' (a recorded earlier certificate), 'revoked' (cancels the entry
-- `revokes_id` names, with the reason and who or what caused it).
CREATE TABLE credit_entries (
    id              TEXT PRIMARY KEY,
    person_id       TEXT NOT NULL REFERENCES people (id),
    kind            TEXT NOT NULL CHECK (kind IN ('earned', 'earlier', 'revoked')),
    module          TEXT,
    credits         BIGINT NOT NULL,
    earned_on       TEXT NOT NULL,
    attempt_id      TEXT REFERENCES attempts (id),
    session_id      TEXT REFERENCES exam_sessions (id),
    organisation_id TEXT REFERENCES organisations (id),
    earlier_id      TEXT REFERENCES earlier_certificates (id),
    revokes_id      TEXT REFERENCES credit_entries (id),
    cause           TEXT CHECK (cause IN ('regrade', 'misconduct', 'correction')),
    reason          TEXT,
    recorded_by     TEXT REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    CHECK ((kind = 'earned') = (attempt_id IS NOT NULL AND module IS NOT NULL)),
    CHECK ((kind = 'earlier') = (earlier_id IS NOT NULL)),
    CHECK ((kind = 'revoked') = (revokes_id IS NOT NULL AND reason IS NOT NULL))
);
CREATE INDEX credit_entries_person ON credit_entries (person_id, created_at);
CREATE INDEX credit_entries_attempt ON credit_entries (attempt_id);
CREATE UNIQUE INDEX credit_entries_revoked_once ON credit_entries (revokes_id);

-- Certificates issued: what is printed, as it was on the day (the holder's name, birth date,
-- the last digits of their national ID, the modules with their dates and centres as JSON).
-- `number` is the public, unguessable number the verification page looks up; the register
-- number counts per issuing centre and year.
CREATE TABLE certificates (
    id                TEXT PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    register_number   TEXT NOT NULL UNIQUE,
    person_id         TEXT NOT NULL REFERENCES people (id),
    certificate       TEXT NOT NULL,
    issuer_id         TEXT NOT NULL REFERENCES organisations (id),
    issued_on         TEXT NOT NULL,
    expires_on        TEXT,
    holder_name       TEXT NOT NULL,
    holder_birth_date TEXT NOT NULL,
    holder_id_tail    TEXT,
    modules           TEXT NOT NULL,
    basis             TEXT NOT NULL,
    created_at        BIGINT NOT NULL
);
CREATE INDEX certificates_person ON certificates (person_id);
CREATE INDEX certificates_issuer ON certificates (issuer_id, issued_on);

-- A certificate's end: revoked (its rule no longer met after a regrade or a revocation, or
-- revoked by staff) or replaced by a newer one (a profile that lists more modules).
CREATE TABLE certificate_revocations (
    certificate_id TEXT PRIMARY KEY REFERENCES certificates (id),
    cause          TEXT NOT NULL CHECK (cause IN ('regrade', 'misconduct', 'correction', 'replaced')),
    reason         TEXT NOT NULL,
    replaced_by    TEXT REFERENCES certificates (id),
    revoked_by     TEXT REFERENCES users (id),
    revoked_at     BIGINT NOT NULL
);

CREATE FUNCTION credits_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% are append-only: add a new row instead', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER earlier_certificates_no_change BEFORE UPDATE OR DELETE ON earlier_certificates
FOR EACH ROW EXECUTE FUNCTION credits_append_only();
CREATE TRIGGER credit_entries_no_change BEFORE UPDATE OR DELETE ON credit_entries
FOR EACH ROW EXECUTE FUNCTION credits_append_only();
CREATE TRIGGER certificates_no_change BEFORE UPDATE OR DELETE ON certificates
FOR EACH ROW EXECUTE FUNCTION credits_append_only();
CREATE TRIGGER certificate_revocations_no_change BEFORE UPDATE OR DELETE ON certificate_revocations
FOR EACH ROW EXECUTE FUNCTION credits_append_only();
