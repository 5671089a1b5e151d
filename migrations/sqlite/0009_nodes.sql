-- Heartbeats name their node: node_id is the instance (new at every start), node_name the
-- server's stable name, so a restarted node recognises its own earlier instances.
ALTER TABLE node_heartbeats ADD COLUMN node_name TEXT NOT NULL DEFAULT '';
