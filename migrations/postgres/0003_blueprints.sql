-- Blueprints and their versions. A version is never updated or deleted: an edit is a new
-- version, so a version used by a session stays exactly as it was.

CREATE TABLE blueprints (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    code            TEXT NOT NULL,
    title           TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (organisation_id, code)
);

CREATE TABLE blueprint_versions (
    id           TEXT PRIMARY KEY,
    blueprint_id TEXT NOT NULL REFERENCES blueprints (id),
    number       BIGINT NOT NULL,
    source       TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_by   TEXT REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    UNIQUE (blueprint_id, number)
);
