-- Organisations' Ed25519 signing keys (public halves only: the private keys live in key files
-- outside the database). `kid` is the key's JWK thumbprint (RFC 7638). Retired keys stay, so
-- what they signed still verifies against the published did:web document and JWKS; at most one
-- key per organisation is current (not retired).
CREATE TABLE signing_keys (
    kid             TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    public_key      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    retired_at      BIGINT
);
CREATE INDEX signing_keys_organisation ON signing_keys (organisation_id, created_at);
CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys (organisation_id)
    WHERE retired_at IS NULL;
