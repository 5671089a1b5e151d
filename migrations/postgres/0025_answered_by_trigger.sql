-- An attempt's answered count follows its responses in the database itself, so a save is one
-- statement (see attempts::responses) and no save recounts the attempt's answers.
CREATE FUNCTION responses_count_answered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.value IS NOT NULL THEN
            UPDATE attempts SET answered = answered + 1 WHERE id = NEW.attempt_id;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF (OLD.value IS NULL) <> (NEW.value IS NULL) THEN
            UPDATE attempts
            SET answered = answered + (CASE WHEN NEW.value IS NULL THEN -1 ELSE 1 END)
            WHERE id = NEW.attempt_id;
        END IF;
    ELSIF OLD.value IS NOT NULL THEN
        UPDATE attempts SET answered = answered - 1 WHERE id = OLD.attempt_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER responses_answered AFTER INSERT OR UPDATE OR DELETE ON responses
FOR EACH ROW EXECUTE FUNCTION responses_count_answered();

UPDATE attempts
SET answered = (SELECT COUNT(*) FROM responses r WHERE r.attempt_id = attempts.id AND r.value IS NOT NULL);
