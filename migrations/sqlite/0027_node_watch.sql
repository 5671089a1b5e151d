-- A node that stops beating is noticed, once, by one of the others (nodes::notice_down); a node
-- stopped on purpose says so first, and is not taken for a dead one.
ALTER TABLE node_heartbeats ADD COLUMN stopped_at BIGINT;
ALTER TABLE node_heartbeats ADD COLUMN down_noticed_at BIGINT;
ALTER TABLE node_heartbeats ADD COLUMN down_noticed_by TEXT;
