//! SQL for the results pages that is not grading's: a person's attempts as one staff member
//! may see them.

use sqlx::{AnyPool, FromRow};

/// Which sessions a staff member sees a person's attempts at.
pub enum Seen<'a> {
    /// An admin: every session of the department (the person is the department's).
    Department,
    /// A centre manager: their centre's sessions.
    Centre(&'a str),
    /// A proctor: the sessions assigned to them.
    Proctor(&'a str),
}

/// One attempt of a person, with its session.
#[derive(Clone, Debug, FromRow)]
pub struct PersonAttempt {
    pub attempt_id: String,
    pub candidate_number: String,
    pub state: String,
    pub session_id: String,
    pub session_code: String,
    pub session_title: String,
    pub starts_at: i64,
    pub closed_at: Option<i64>,
}

/// The person's attempts this staff member may see, latest session first.
pub async fn attempts_of_person(
    pool: &AnyPool,
    person_id: &str,
    seen: Seen<'_>,
) -> sqlx::Result<Vec<PersonAttempt>> {
    let (centre, proctor) = match seen {
        Seen::Department => (None, None),
        Seen::Centre(centre) => (Some(centre), None),
        Seen::Proctor(user) => (None, Some(user)),
    };
    sqlx::query_as(
        "SELECT a.id AS attempt_id, a.candidate_number, a.state, s.id AS session_id,
                s.code AS session_code, s.title AS session_title, s.starts_at, s.closed_at
         FROM attempts a JOIN exam_sessions s ON s.id = a.session_id
         WHERE a.person_id = $1
           AND ($2 IS NULL OR s.organisation_id = $2)
           AND ($3 IS NULL OR EXISTS (SELECT 1 FROM session_proctors sp
                                      WHERE sp.session_id = s.id AND sp.user_id = $3))
         ORDER BY s.starts_at DESC, s.code",
    )
    .bind(person_id)
    .bind(centre)
    .bind(proctor)
    .fetch_all(pool)
    .await
}
