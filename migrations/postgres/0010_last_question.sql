-- The question a candidate's last save was on (1-based; 0 before any save), so a resume or a
-- new computer brings them back there instead of to question 1.
ALTER TABLE attempts ADD COLUMN last_question BIGINT NOT NULL DEFAULT 0;
