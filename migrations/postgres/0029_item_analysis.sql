-- Item analysis over real attempts. Each submitted attempt of an approved session is taken
-- apart once into one row per item (`scored_items`), so that the analysis pages and the
-- Department's overview read plain rows and sums instead of every result's scoring JSON.
-- `analysis_queue` lists the attempts whose current result is not taken apart yet: the
-- approval adds its session's attempts, and a result written after approval (a regrade, a
-- practical score) adds its attempt again. Both tables are derived: they can be emptied and
-- rebuilt from `results` and `responses` at any time.
CREATE TABLE analysis_queue (
    attempt_id TEXT PRIMARY KEY REFERENCES attempts (id),
    queued_at  BIGINT NOT NULL
);
CREATE INDEX analysis_queue_order ON analysis_queue (queued_at, attempt_id);

-- The result each attempt's rows were taken from.
CREATE TABLE analysed_attempts (
    attempt_id TEXT PRIMARY KEY REFERENCES attempts (id),
    result_id  TEXT NOT NULL REFERENCES results (id),
    session_id TEXT NOT NULL REFERENCES exam_sessions (id)
);

CREATE TABLE scored_items (
    attempt_id      TEXT NOT NULL REFERENCES attempts (id),
    item_id         TEXT NOT NULL REFERENCES items (id),
    item_version_id TEXT NOT NULL REFERENCES item_versions (id),
    session_id      TEXT NOT NULL REFERENCES exam_sessions (id),
    -- Share of the item's points earned (0 to 1), the points, and the attempt's points on its
    -- other items (the rest score that discrimination is measured against).
    fraction        DOUBLE PRECISION NOT NULL,
    points          DOUBLE PRECISION NOT NULL,
    rest            DOUBLE PRECISION NOT NULL,
    -- The options chosen, by their index in the bank ("0,2"); empty for other item types.
    choices         TEXT NOT NULL,
    answered        BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, item_id)
);
CREATE INDEX scored_items_item ON scored_items (item_id);
CREATE INDEX scored_items_session ON scored_items (session_id);

-- The same rows added up per blueprint, item, centre and month (the month of the sitting, in
-- Vietnam), kept in step with \`scored_items\` by the same transactions: what the overview's
-- "check the key" list reads, however many results there are.
CREATE TABLE item_sums (
    blueprint_id    TEXT NOT NULL REFERENCES blueprints (id),
    item_id         TEXT NOT NULL REFERENCES items (id),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    month           TEXT NOT NULL,
    n               BIGINT NOT NULL,
    sum_x           DOUBLE PRECISION NOT NULL,
    sum_y           DOUBLE PRECISION NOT NULL,
    sum_xx          DOUBLE PRECISION NOT NULL,
    sum_yy          DOUBLE PRECISION NOT NULL,
    sum_xy          DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (blueprint_id, item_id, organisation_id, month)
);

-- Sessions approved before this version are taken apart at the first start.
INSERT INTO analysis_queue (attempt_id, queued_at)
SELECT a.id, 0 FROM attempts a JOIN result_approvals ra ON ra.session_id = a.session_id
WHERE a.state = 'submitted';
