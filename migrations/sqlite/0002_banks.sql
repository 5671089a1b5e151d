-- Question banks: banks, their versions, items and immutable item versions, media stored
-- by content, and uploads waiting for a manager's confirmation.
-- Item versions are never updated or deleted: a change is a new version.

CREATE TABLE banks (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    code            TEXT NOT NULL,
    title           TEXT NOT NULL,
    module          TEXT NOT NULL,
    language        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (organisation_id, code)
);

CREATE TABLE bank_versions (
    id            TEXT PRIMARY KEY,
    bank_id       TEXT NOT NULL REFERENCES banks (id),
    number        BIGINT NOT NULL,
    title         TEXT NOT NULL,
    source_name   TEXT NOT NULL,
    source_format TEXT NOT NULL,
    item_count    BIGINT NOT NULL,
    imported_by   TEXT REFERENCES users (id),
    imported_at   BIGINT NOT NULL,
    UNIQUE (bank_id, number)
);

CREATE TABLE items (
    id         TEXT PRIMARY KEY,
    bank_id    TEXT NOT NULL REFERENCES banks (id),
    native_id  TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (bank_id, native_id)
);

CREATE TABLE item_versions (
    id                TEXT PRIMARY KEY,
    item_id           TEXT NOT NULL REFERENCES items (id),
    number            BIGINT NOT NULL,
    content_hash      TEXT NOT NULL,
    presentation_hash TEXT NOT NULL,
    kind              TEXT NOT NULL,
    topic             TEXT NOT NULL,
    difficulty        TEXT NOT NULL,
    points            BIGINT NOT NULL,
    body              TEXT NOT NULL,
    key_correction    BIGINT NOT NULL DEFAULT 0,
    reason            TEXT,
    created_at        BIGINT NOT NULL,
    UNIQUE (item_id, number)
);

CREATE TABLE bank_version_items (
    bank_version_id TEXT NOT NULL REFERENCES bank_versions (id),
    item_version_id TEXT NOT NULL REFERENCES item_versions (id),
    position        BIGINT NOT NULL,
    PRIMARY KEY (bank_version_id, item_version_id)
);
CREATE INDEX bank_version_items_item ON bank_version_items (item_version_id);

CREATE TABLE media (
    sha256     TEXT PRIMARY KEY,
    mime       TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE pending_imports (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    user_id         TEXT NOT NULL REFERENCES users (id),
    file_name       TEXT NOT NULL,
    content         BLOB NOT NULL,
    created_at      BIGINT NOT NULL
);
