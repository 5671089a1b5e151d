//! SQL for the results pages that is not grading's: a person's attempts as one staff member
//! may see them.

use sqlx::{AnyPool, FromRow};

use crate::{attempts::model::AttemptState, sessions::store::Scope};

/// One attempt of a person, with its session.
#[derive(Clone, Debug, FromRow)]
pub struct PersonAttempt {
    pub attempt_id: String,
    pub candidate_number: String,
    pub state: AttemptState,
    pub session_id: String,
    pub session_code: String,
    pub session_title: String,
    pub starts_at: i64,
    pub closed_at: Option<i64>,
}

/// The person's attempts at the sessions this staff member sees, latest session first
/// (not those taken off a roster or in a cancelled session: they never sat).
pub async fn attempts_of_person(
    pool: &AnyPool,
    person_id: &str,
    scope: Scope<'_>,
) -> sqlx::Result<Vec<PersonAttempt>> {
    let (seen, id) = scope.condition(2);
    sqlx::query_as(&format!(
        "SELECT a.id AS attempt_id, a.candidate_number, a.state, s.id AS session_id,
                s.code AS session_code, s.title AS session_title, s.starts_at, s.closed_at
         FROM attempts a JOIN exam_sessions s ON s.id = a.session_id
         WHERE a.person_id = $1 AND {seen} AND a.state <> 'removed' AND s.cancelled_at IS NULL
         ORDER BY s.starts_at DESC, s.code"
    ))
    .bind(person_id)
    .bind(id)
    .fetch_all(pool)
    .await
}
