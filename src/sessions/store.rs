//! SQL for sessions: scheduling, the proctors assigned, opening and closing.

use sqlx::{AnyConnection, AnyPool};

use super::model::{ExamSession, Schedule};
use crate::{
    accounts::{SessionUser, model::Role},
    attempts::model::CODE_ALPHABET,
    clock,
};

const COLUMNS: &str = "s.id, s.code, s.organisation_id, s.blueprint_version_id, s.room_id, r.name AS room_name, \
    s.title, s.duration_minutes, s.starts_at, s.ends_at, s.late_entry_minutes, s.reauthorise_on_return, \
    s.allow_reopen, s.ask_birth_date, s.opened_at, s.closed_at, s.cancelled_at, s.cancel_reason, \
    o.name AS centre_name";

fn select(filter: &str) -> String {
    format!(
        "SELECT {COLUMNS} FROM exam_sessions s JOIN rooms r ON r.id = s.room_id \
         JOIN organisations o ON o.id = s.organisation_id {filter}"
    )
}

pub async fn by_id(pool: &AnyPool, id: &str) -> sqlx::Result<Option<ExamSession>> {
    sqlx::query_as(&select("WHERE s.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Sessions a staff member sees: a centre's, a department's, or those a proctor is assigned to.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    Centre(&'a str),
    Department(&'a str),
    Proctor(&'a str),
}

impl<'a> Scope<'a> {
    /// What this staff member sees: an admin their department's sessions, a centre manager
    /// their centre's, a proctor those assigned to them.
    pub fn of(user: &'a SessionUser) -> Self {
        match user.role {
            Role::Admin => Scope::Department(&user.department_id),
            Role::CentreManager => Scope::Centre(&user.organisation_id),
            Role::Proctor => Scope::Proctor(&user.id),
        }
    }

    /// The condition on sessions aliased `s`, with the id to bind as parameter `$n`.
    pub fn condition(self, n: usize) -> (String, &'a str) {
        match self {
            Scope::Centre(id) => (format!("s.organisation_id = ${n}"), id),
            Scope::Department(id) => (
                format!(
                    "s.organisation_id IN (SELECT id FROM organisations WHERE department_id = ${n})"
                ),
                id,
            ),
            Scope::Proctor(id) => (
                format!("s.id IN (SELECT session_id FROM session_proctors WHERE user_id = ${n})"),
                id,
            ),
        }
    }
}

pub async fn listed(pool: &AnyPool, scope: Scope<'_>) -> sqlx::Result<Vec<ExamSession>> {
    let (condition, id) = scope.condition(1);
    sqlx::query_as(&select(&format!(
        "WHERE {condition} ORDER BY s.starts_at DESC, s.code"
    )))
    .bind(id)
    .fetch_all(pool)
    .await
}

pub async fn is_proctor(pool: &AnyPool, session_id: &str, user_id: &str) -> sqlx::Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM session_proctors WHERE session_id = $1 AND user_id = $2",
    )
    .bind(session_id)
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    Ok(n > 0)
}

/// The proctors assigned to a session: (user id, full name).
pub async fn proctors(pool: &AnyPool, session_id: &str) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT u.id, u.full_name FROM session_proctors sp JOIN users u ON u.id = sp.user_id
         WHERE sp.session_id = $1 ORDER BY u.full_name",
    )
    .bind(session_id)
    .fetch_all(pool)
    .await
}

/// What a new session needs besides its schedule.
pub struct NewSession<'a> {
    pub organisation_id: &'a str,
    pub blueprint_version_id: &'a str,
    pub room_id: &'a str,
    pub duration_minutes: i64,
    pub schedule: &'a Schedule,
    pub proctors: &'a [String],
    pub created_by: Option<&'a str>,
}

/// Stores a session with a fresh four-character code (candidate numbers begin with it).
pub async fn insert(
    conn: &mut AnyConnection,
    new: NewSession<'_>,
) -> sqlx::Result<(String, String)> {
    let id = uuid::Uuid::new_v4().to_string();
    let mut code = crate::text::random_chars(CODE_ALPHABET, 4);
    for _ in 0..20 {
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exam_sessions WHERE code = $1")
            .bind(&code)
            .fetch_one(&mut *conn)
            .await?;
        if taken == 0 {
            break;
        }
        code = crate::text::random_chars(CODE_ALPHABET, 4);
    }
    let s = new.schedule;
    sqlx::query(
        "INSERT INTO exam_sessions (id, code, organisation_id, blueprint_version_id, room_id, title,
             duration_minutes, starts_at, ends_at, late_entry_minutes, reauthorise_on_return,
             allow_reopen, ask_birth_date, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&id)
    .bind(&code)
    .bind(new.organisation_id)
    .bind(new.blueprint_version_id)
    .bind(new.room_id)
    .bind(&s.title)
    .bind(new.duration_minutes)
    .bind(s.starts_at)
    .bind(s.ends_at)
    .bind(s.late_entry_minutes)
    .bind(i64::from(s.reauthorise_on_return))
    .bind(i64::from(s.allow_reopen))
    .bind(i64::from(s.ask_birth_date))
    .bind(new.created_by)
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await?;
    set_proctors(conn, &id, new.proctors).await?;
    Ok((id, code))
}

/// Changes a session's schedule and proctors while it has not been opened; false otherwise.
pub async fn reschedule(
    conn: &mut AnyConnection,
    id: &str,
    new: NewSession<'_>,
) -> sqlx::Result<bool> {
    let s = new.schedule;
    let done = sqlx::query(
        "UPDATE exam_sessions SET blueprint_version_id = $1, room_id = $2, title = $3, duration_minutes = $4,
             starts_at = $5, ends_at = $6, late_entry_minutes = $7, reauthorise_on_return = $8,
             allow_reopen = $9, ask_birth_date = $10
         WHERE id = $11 AND opened_at IS NULL AND closed_at IS NULL AND cancelled_at IS NULL",
    )
    .bind(new.blueprint_version_id)
    .bind(new.room_id)
    .bind(&s.title)
    .bind(new.duration_minutes)
    .bind(s.starts_at)
    .bind(s.ends_at)
    .bind(s.late_entry_minutes)
    .bind(i64::from(s.reauthorise_on_return))
    .bind(i64::from(s.allow_reopen))
    .bind(i64::from(s.ask_birth_date))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    set_proctors(conn, id, new.proctors).await?;
    Ok(true)
}

/// The session's proctors become exactly these users.
async fn set_proctors(
    conn: &mut AnyConnection,
    session_id: &str,
    users: &[String],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM session_proctors WHERE session_id = $1")
        .bind(session_id)
        .execute(&mut *conn)
        .await?;
    for user in users {
        sqlx::query("INSERT INTO session_proctors (session_id, user_id) VALUES ($1, $2)")
            .bind(session_id)
            .bind(user)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Opens a scheduled session; false when it was already open or closed.
pub async fn open(conn: &mut AnyConnection, id: &str, at: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exam_sessions SET opened_at = $1
         WHERE id = $2 AND opened_at IS NULL AND closed_at IS NULL AND cancelled_at IS NULL",
    )
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Cancels a session that has not been opened; false when it was opened, closed or cancelled.
pub async fn cancel(
    conn: &mut AnyConnection,
    id: &str,
    by: &str,
    reason: &str,
    at: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exam_sessions SET cancelled_at = $1, cancelled_by = $2, cancel_reason = $3
         WHERE id = $4 AND opened_at IS NULL AND closed_at IS NULL AND cancelled_at IS NULL",
    )
    .bind(at)
    .bind(by)
    .bind(reason)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Other sessions in the same room whose window meets `[starts_at, ends_at)` and that are
/// not cancelled or closed, earliest first; `except` is the session being rescheduled.
pub async fn overlapping(
    pool: &AnyPool,
    room_id: &str,
    (starts_at, ends_at): (i64, i64),
    except: Option<&str>,
) -> sqlx::Result<Vec<ExamSession>> {
    sqlx::query_as(&select(
        "WHERE s.room_id = $1 AND s.starts_at < $2 AND s.ends_at > $3 AND s.id <> $4
           AND s.cancelled_at IS NULL AND s.closed_at IS NULL ORDER BY s.starts_at",
    ))
    .bind(room_id)
    .bind(ends_at)
    .bind(starts_at)
    .bind(except.unwrap_or(""))
    .fetch_all(pool)
    .await
}

/// Closes a session; false when it was already closed.
pub async fn close(conn: &mut AnyConnection, id: &str, at: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE exam_sessions SET closed_at = $1, opened_at = COALESCE(opened_at, $1)
         WHERE id = $2 AND closed_at IS NULL AND cancelled_at IS NULL",
    )
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the session is closed now, read inside the caller's transaction.
pub async fn is_closed(conn: &mut AnyConnection, id: &str) -> sqlx::Result<bool> {
    let closed: Option<i64> =
        sqlx::query_scalar("SELECT closed_at FROM exam_sessions WHERE id = $1")
            .bind(id)
            .fetch_one(conn)
            .await?;
    Ok(closed.is_some())
}

/// One entry of the session's event log, with the actor's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub at: i64,
    pub actor_name: Option<String>,
    pub action: String,
    pub candidate_number: Option<String>,
    pub full_name: Option<String>,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub reason: Option<String>,
    pub comment: String,
    pub detail: String,
}

/// The session's event log, oldest first.
pub async fn events(pool: &AnyPool, session_id: &str) -> sqlx::Result<Vec<EventRow>> {
    sqlx::query_as(
        "SELECT e.at, u.full_name AS actor_name, e.action, a.candidate_number, p.full_name,
                e.from_state, e.to_state, e.reason, e.comment, e.detail
         FROM session_events e
         LEFT JOIN users u ON u.id = e.actor_user_id
         LEFT JOIN attempts a ON a.id = e.attempt_id
         LEFT JOIN people p ON p.id = a.person_id
         WHERE e.session_id = $1 ORDER BY e.seq",
    )
    .bind(session_id)
    .fetch_all(pool)
    .await
}
