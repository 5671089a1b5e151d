-- Where each signed credential sathach has exported sits in its issuer's revocation status
-- list (W3C Bitstring Status List): one row per module credit or certificate, numbered per
-- issuing organisation from 0 the first time the credential is exported. The bit itself is
-- not stored: it is set while the credit has a revocation or the certificate has ended.
-- Append-only: a credential keeps its place for good.
CREATE TABLE credential_status (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    list_index      BIGINT NOT NULL,
    credit_entry_id TEXT UNIQUE REFERENCES credit_entries (id),
    certificate_id  TEXT UNIQUE REFERENCES certificates (id),
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, list_index),
    CHECK ((credit_entry_id IS NULL) <> (certificate_id IS NULL))
);

CREATE TRIGGER credential_status_no_update BEFORE UPDATE ON credential_status
BEGIN SELECT RAISE(ABORT, 'credential_status is append-only: add a new row instead'); END;
CREATE TRIGGER credential_status_no_delete BEFORE DELETE ON credential_status
BEGIN SELECT RAISE(ABORT, 'credential_status is append-only: add a new row instead'); END;
