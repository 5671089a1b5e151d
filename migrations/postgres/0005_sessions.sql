-- Exam sessions (ca thi): people and their accommodations, scheduled sessions with their
-- proctors, attempts (person × session) with the server's clock, the session's append-only
-- event log, and the heartbeats that tell how long the server was down.

CREATE TABLE people (
    id            TEXT PRIMARY KEY,
    department_id TEXT NOT NULL REFERENCES organisations (id),
    national_id   TEXT,
    other_id      TEXT,
    full_name     TEXT NOT NULL,
    birth_date    TEXT NOT NULL,
    sex           TEXT CHECK (sex IN ('male', 'female')),
    unit          TEXT NOT NULL,
    is_teacher    BIGINT NOT NULL,
    email         TEXT,
    flag          TEXT CHECK (flag IN ('no_national_id', 'conflict')),
    flag_detail   TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    UNIQUE (department_id, national_id)
);
CREATE INDEX people_other_id ON people (department_id, other_id);

CREATE TABLE accommodations (
    id            TEXT PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES people (id),
    extra_percent BIGINT NOT NULL CHECK (extra_percent > 0 AND extra_percent <= 100),
    reason        TEXT NOT NULL,
    expires_on    TEXT NOT NULL,
    created_by    TEXT REFERENCES users (id),
    created_at    BIGINT NOT NULL
);
CREATE INDEX accommodations_person ON accommodations (person_id);

CREATE TABLE exam_sessions (
    id                    TEXT PRIMARY KEY,
    code                  TEXT NOT NULL UNIQUE,
    organisation_id       TEXT NOT NULL REFERENCES organisations (id),
    blueprint_version_id  TEXT NOT NULL REFERENCES blueprint_versions (id),
    room_id               TEXT NOT NULL REFERENCES rooms (id),
    title                 TEXT NOT NULL,
    duration_minutes      BIGINT NOT NULL CHECK (duration_minutes > 0),
    starts_at             BIGINT NOT NULL,
    ends_at               BIGINT NOT NULL,
    late_entry_minutes    BIGINT NOT NULL CHECK (late_entry_minutes >= 0),
    reauthorise_on_return BIGINT NOT NULL,
    allow_reopen          BIGINT NOT NULL,
    opened_at             BIGINT,
    closed_at             BIGINT,
    created_by            TEXT REFERENCES users (id),
    created_at            BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX exam_sessions_organisation ON exam_sessions (organisation_id, starts_at);

CREATE TABLE session_proctors (
    session_id TEXT NOT NULL REFERENCES exam_sessions (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (session_id, user_id)
);
CREATE INDEX session_proctors_user ON session_proctors (user_id);

CREATE TABLE attempts (
    id                    TEXT PRIMARY KEY,
    session_id            TEXT NOT NULL REFERENCES exam_sessions (id),
    person_id             TEXT NOT NULL REFERENCES people (id),
    candidate_number      TEXT NOT NULL UNIQUE,
    code_generation       BIGINT NOT NULL,
    access_code_digest    TEXT NOT NULL,
    state                 TEXT NOT NULL,
    checked_in_at         BIGINT,
    checked_in_by         TEXT REFERENCES users (id),
    authorised_at         BIGINT,
    started_at            BIGINT,
    accommodation_percent BIGINT NOT NULL DEFAULT 0,
    extra_ms              BIGINT NOT NULL DEFAULT 0,
    paused_ms             BIGINT NOT NULL DEFAULT 0,
    paused_since          BIGINT,
    deadline_at           BIGINT,
    ended_at              BIGINT,
    end_cause             TEXT,
    last_seen_at          BIGINT,
    answered              BIGINT NOT NULL DEFAULT 0,
    item_count            BIGINT NOT NULL DEFAULT 0,
    paper_id              TEXT REFERENCES papers (id),
    revision              BIGINT NOT NULL DEFAULT 0,
    created_at            BIGINT NOT NULL,
    UNIQUE (session_id, person_id)
);
CREATE INDEX attempts_person ON attempts (person_id);
CREATE INDEX attempts_running ON attempts (state, deadline_at);

CREATE TABLE session_events (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id            TEXT NOT NULL UNIQUE,
    session_id    TEXT NOT NULL REFERENCES exam_sessions (id),
    attempt_id    TEXT REFERENCES attempts (id),
    at            BIGINT NOT NULL,
    actor_user_id TEXT REFERENCES users (id),
    action        TEXT NOT NULL,
    from_state    TEXT,
    to_state      TEXT,
    reason        TEXT,
    comment       TEXT NOT NULL,
    detail        TEXT NOT NULL
);
CREATE INDEX session_events_session ON session_events (session_id, seq);

CREATE TABLE node_heartbeats (
    node_id    TEXT PRIMARY KEY,
    started_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL
);

-- The event log is append-only: the database refuses to change or remove an entry.
CREATE FUNCTION session_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'session_events is append-only';
END;
$$;
CREATE TRIGGER session_events_no_change BEFORE UPDATE OR DELETE ON session_events
FOR EACH ROW EXECUTE FUNCTION session_events_append_only();
