-- Drawn papers: each candidate's frozen paper with everything the draw used, so it renders the
-- same years later and an auditor can run the draw again. Rows are never updated or deleted.

CREATE TABLE papers (
    id                   TEXT PRIMARY KEY,
    organisation_id      TEXT NOT NULL REFERENCES organisations (id),
    blueprint_version_id TEXT NOT NULL REFERENCES blueprint_versions (id),
    sequence             BIGINT NOT NULL,
    person_key           TEXT,
    modules              TEXT NOT NULL,
    generator            TEXT NOT NULL,
    seed                 TEXT NOT NULL,
    bank_versions        TEXT NOT NULL,
    exposure             TEXT NOT NULL,
    excluded             TEXT NOT NULL,
    form                 TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    UNIQUE (organisation_id, sequence)
);
CREATE INDEX papers_person ON papers (person_key);

CREATE TABLE paper_items (
    paper_id TEXT NOT NULL REFERENCES papers (id),
    item_id  TEXT NOT NULL REFERENCES items (id),
    PRIMARY KEY (paper_id, item_id)
);
CREATE INDEX paper_items_item ON paper_items (item_id);
