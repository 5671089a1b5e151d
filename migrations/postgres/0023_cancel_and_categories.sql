-- A scheduled session can be cancelled (huỷ ca thi) with a reason: who, when and why are kept
-- on the session and in its log; a cancelled session is never opened. A person's category
-- (đối tượng) names working adults and university students as well as pupils and teachers;
-- is_teacher stays as it was for older readers.
ALTER TABLE exam_sessions ADD COLUMN cancelled_at BIGINT;
ALTER TABLE exam_sessions ADD COLUMN cancelled_by TEXT REFERENCES users (id);
ALTER TABLE exam_sessions ADD COLUMN cancel_reason TEXT;

ALTER TABLE people ADD COLUMN category TEXT NOT NULL DEFAULT 'student'
    CHECK (category IN ('student', 'teacher', 'university_student', 'worker'));
UPDATE people SET category = 'teacher' WHERE is_teacher = 1;
