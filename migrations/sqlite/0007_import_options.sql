-- How an upload is to be read (format chosen, defaults for files from other platforms), kept
-- with the upload so the confirmed import reads the file exactly as the report did.
ALTER TABLE pending_imports ADD COLUMN read_options TEXT NOT NULL DEFAULT '{}';
