-- An upload awaiting confirmation keeps the result of its check (the checker child's JSON), so
-- the confirmation imports what was checked without reading the file again; the raw file is no
-- longer kept. Uploads pending across the upgrade are dropped: their managers upload again.
DELETE FROM pending_imports;
ALTER TABLE pending_imports DROP COLUMN content;
ALTER TABLE pending_imports ADD COLUMN checked BYTEA NOT NULL DEFAULT ''::bytea;
