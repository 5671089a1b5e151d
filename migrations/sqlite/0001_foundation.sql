-- Foundation: organisations, rooms, staff accounts, staff sessions, sign-in throttling,
-- the audit trail and server secrets. Ids are UUID text, times UTC milliseconds,
-- booleans 0/1 integers (portable through sqlx Any).

CREATE TABLE organisations (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('department', 'centre', 'school')),
    code          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    department_id TEXT REFERENCES organisations (id),
    created_at    BIGINT NOT NULL,
    CHECK ((kind = 'department') = (department_id IS NULL))
);
CREATE INDEX organisations_department ON organisations (department_id);

CREATE TABLE rooms (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    seats           BIGINT NOT NULL CHECK (seats > 0),
    created_at      BIGINT NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE users (
    id                   TEXT PRIMARY KEY,
    organisation_id      TEXT NOT NULL REFERENCES organisations (id),
    email                TEXT NOT NULL UNIQUE,
    full_name            TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('admin', 'centre_manager', 'proctor')),
    password_hash        TEXT NOT NULL,
    must_change_password BIGINT NOT NULL DEFAULT 0,
    disabled_at          BIGINT,
    created_at           BIGINT NOT NULL
);
CREATE INDEX users_organisation ON users (organisation_id);

CREATE TABLE staff_sessions (
    token_digest TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

CREATE TABLE sign_in_failures (
    id          TEXT PRIMARY KEY,
    account_key TEXT NOT NULL,
    client_addr TEXT NOT NULL,
    at          BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_account ON sign_in_failures (account_key, at);
CREATE INDEX sign_in_failures_client ON sign_in_failures (client_addr, at);

CREATE TABLE audit_events (
    id            TEXT PRIMARY KEY,
    at            BIGINT NOT NULL,
    actor_user_id TEXT REFERENCES users (id),
    action        TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    detail        TEXT NOT NULL
);
CREATE INDEX audit_events_subject ON audit_events (subject_id, at);

CREATE TABLE server_secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
