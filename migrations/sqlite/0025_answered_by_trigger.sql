-- An attempt's answered count follows its responses in the database itself, so a save is one
-- write to `responses` (the count moves with it, in the same statement's transaction) and no
-- save recounts the attempt's answers.
CREATE TRIGGER responses_answered_insert AFTER INSERT ON responses
WHEN NEW.value IS NOT NULL
BEGIN
    UPDATE attempts SET answered = answered + 1 WHERE id = NEW.attempt_id;
END;

CREATE TRIGGER responses_answered_update AFTER UPDATE OF value ON responses
WHEN (OLD.value IS NULL) <> (NEW.value IS NULL)
BEGIN
    UPDATE attempts
    SET answered = answered + (CASE WHEN NEW.value IS NULL THEN -1 ELSE 1 END)
    WHERE id = NEW.attempt_id;
END;

CREATE TRIGGER responses_answered_delete AFTER DELETE ON responses
WHEN OLD.value IS NOT NULL
BEGIN
    UPDATE attempts SET answered = answered - 1 WHERE id = OLD.attempt_id;
END;

UPDATE attempts
SET answered = (SELECT COUNT(*) FROM responses r WHERE r.attempt_id = attempts.id AND r.value IS NOT NULL);
