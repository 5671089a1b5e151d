-- An accommodation belongs to the centre that granted it (it applies at that centre's sessions
-- and only that centre sees it); NULL: granted by an admin for the whole department.
ALTER TABLE accommodations ADD COLUMN organisation_id TEXT REFERENCES organisations (id);
UPDATE accommodations SET organisation_id = (
    SELECT u.organisation_id FROM users u
    WHERE u.id = accommodations.created_by AND u.role <> 'admin'
);
