-- How often each item was drawn in a centre's papers, counted as each paper is drawn: a start
-- reads its exposure from here instead of counting every paper the centre ever drew. Filled
-- from the papers drawn so far. The papers' numbers move to `counters` too (their largest
-- number so far), so a draw no longer reads the largest number from the papers.
CREATE TABLE item_exposure (
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    item_id         TEXT NOT NULL REFERENCES items (id),
    drawn           BIGINT NOT NULL,
    PRIMARY KEY (organisation_id, item_id)
);

INSERT INTO item_exposure (organisation_id, item_id, drawn)
SELECT p.organisation_id, pi.item_id, COUNT(*)
FROM paper_items pi JOIN papers p ON p.id = pi.paper_id
GROUP BY p.organisation_id, pi.item_id;

INSERT INTO counters (scope, value)
SELECT 'papers:' || organisation_id, MAX(sequence) FROM papers WHERE true
GROUP BY organisation_id
ON CONFLICT (scope) DO UPDATE SET value = GREATEST(counters.value, excluded.value);
