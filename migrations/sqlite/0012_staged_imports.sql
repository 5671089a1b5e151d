-- Imports in short write transactions (issue 16). An import claims its bank with a row here,
-- writes its pictures, items and a staged bank version in small batches tagged with that
-- claim's id, and publishes the version in one short transaction that clears the version's
-- import_id and deletes the claim. Readers see only versions whose import_id IS NULL, and a
-- bank only once it has one, so a half-written import is never shown or drawn from; an
-- abandoned one (its process gone, or silent past the lease) is swept by the next import.
CREATE TABLE bank_imports (
    id          TEXT PRIMARY KEY,
    bank_id     TEXT NOT NULL REFERENCES banks (id),
    -- The process running the import ('abandoned' once a sweep has taken it over).
    owner       TEXT NOT NULL,
    -- The newest published version when the import began (0: none); checked at publication.
    base_number BIGINT NOT NULL,
    started_at  BIGINT NOT NULL,
    -- Refreshed by every batch; an import silent for longer than the lease is abandoned.
    touched_at  BIGINT NOT NULL,
    UNIQUE (bank_id)
);

-- The import that wrote the row: staged while that import's claim exists, published after.
ALTER TABLE bank_versions ADD COLUMN import_id TEXT;
ALTER TABLE items ADD COLUMN import_id TEXT;
ALTER TABLE item_versions ADD COLUMN import_id TEXT;
CREATE INDEX bank_versions_import ON bank_versions (import_id);
CREATE INDEX items_import ON items (import_id);
CREATE INDEX item_versions_import ON item_versions (import_id);
