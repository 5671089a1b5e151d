//! SQL for attempts: the roster's rows with their people, and changes applied with their
//! entry in the session's event log, in the caller's transaction.

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::{
    clock::{AttemptClock, Change},
    model::AttemptState,
};
use crate::{
    clock,
    grading::{self, model::ResultKind, store::NewResult},
};

const CLOCK_COLUMNS: &str = "state, checked_in_at, checked_in_by, authorised_at, started_at, \
    accommodation_percent, extra_ms, paused_ms, paused_since, deadline_at, ended_at, end_cause, \
    paper_id, item_count, revision";

/// A stored state is parsed at the row boundary: text that is none of ours makes reading the
/// row fail with an error naming the value (sqlx's `try_from` attribute loses the message).
impl sqlx::Type<sqlx::Any> for AttemptState {
    fn type_info() -> sqlx::any::AnyTypeInfo {
        <String as sqlx::Type<sqlx::Any>>::type_info()
    }

    fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
        <String as sqlx::Type<sqlx::Any>>::compatible(ty)
    }
}

impl<'r> sqlx::Decode<'r, sqlx::Any> for AttemptState {
    fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let text = <String as sqlx::Decode<'r, sqlx::Any>>::decode(value)?;
        Ok(AttemptState::try_from(text)?)
    }
}

/// An attempt on a roster, with the person's details for the proctor's table.
#[derive(Clone, Debug, FromRow)]
pub struct RosterEntry {
    pub id: String,
    pub session_id: String,
    pub person_id: String,
    pub candidate_number: String,
    pub code_generation: i64,
    pub full_name: String,
    pub birth_date: String,
    pub identifier: String,
    pub unit: String,
    pub person_flag: Option<String>,
    pub answered: i64,
    pub last_seen_at: Option<i64>,
    /// The furthest question reached (0-based), for sequential papers.
    pub position: i64,
    /// The question of the candidate's last save, or where that save sent them (1-based; 0
    /// before any save).
    pub last_question: i64,
    /// Devices waiting for the proctor's approval.
    pub pending_devices: i64,
    /// Devices signed in and let in (at most one).
    pub active_devices: i64,
    #[sqlx(flatten)]
    pub clock: AttemptClock,
}

/// The columns of an `AttemptClock`, of the attempts table named `alias` in a query.
pub fn clock_columns(alias: &str) -> String {
    CLOCK_COLUMNS
        .split(", ")
        .map(|c| format!("{alias}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn roster_select() -> String {
    let clock = clock_columns("a");
    format!(
        "SELECT a.id, a.session_id, a.person_id, a.candidate_number, a.code_generation, p.full_name,
                p.birth_date, COALESCE(p.national_id, p.other_id, '') AS identifier, p.unit,
                p.flag AS person_flag, a.answered, a.last_seen_at, a.position, a.last_question,
                (SELECT COUNT(*) FROM candidate_devices d WHERE d.attempt_id = a.id AND d.status = 'pending')
                    AS pending_devices,
                (SELECT COUNT(*) FROM candidate_devices d WHERE d.attempt_id = a.id AND d.status = 'active')
                    AS active_devices,
                {clock}
         FROM attempts a JOIN people p ON p.id = a.person_id"
    )
}

/// The session's roster in candidate-number order (without those taken off it).
pub async fn roster(pool: &AnyPool, session_id: &str) -> sqlx::Result<Vec<RosterEntry>> {
    sqlx::query_as(&format!(
        "{} WHERE a.session_id = $1 AND a.state <> 'removed' ORDER BY a.candidate_number",
        roster_select()
    ))
    .bind(session_id)
    .fetch_all(pool)
    .await
}

pub async fn entry(pool: &AnyPool, attempt_id: &str) -> sqlx::Result<Option<RosterEntry>> {
    sqlx::query_as(&format!("{} WHERE a.id = $1", roster_select()))
        .bind(attempt_id)
        .fetch_optional(pool)
        .await
}

/// Puts a person on a session's roster with the next candidate number and a first access code
/// (given as a digest by `code_digest(attempt id, generation)`): (attempt id, candidate
/// number), or None when already on it.
pub async fn add_to_roster(
    conn: &mut AnyConnection,
    session_id: &str,
    session_code: &str,
    person_id: &str,
    code_digest: &dyn Fn(&str, i64) -> String,
) -> sqlx::Result<Option<(String, String)>> {
    let present: Option<(String, String, String)> = sqlx::query_as(
        "SELECT id, candidate_number, state FROM attempts WHERE session_id = $1 AND person_id = $2",
    )
    .bind(session_id)
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((id, number, state)) = present {
        // Someone taken off the roster by mistake comes back with their number.
        if state != AttemptState::Removed.as_str() {
            return Ok(None);
        }
        sqlx::query("UPDATE attempts SET state = $1, revision = revision + 1 WHERE id = $2")
            .bind(AttemptState::NotArrived.as_str())
            .bind(&id)
            .execute(&mut *conn)
            .await?;
        return Ok(Some((id, number)));
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attempts WHERE session_id = $1")
        .bind(session_id)
        .fetch_one(&mut *conn)
        .await?;
    let scope = format!("candidates:{session_id}");
    let next = crate::db::next_number(&mut *conn, &scope, count).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let number = super::model::candidate_number(session_code, next);
    sqlx::query(
        "INSERT INTO attempts (id, session_id, person_id, candidate_number, code_generation,
                               access_code_digest, state, created_at)
         VALUES ($1, $2, $3, $4, 1, $5, $6, $7)",
    )
    .bind(&id)
    .bind(session_id)
    .bind(person_id)
    .bind(&number)
    .bind(code_digest(&id, 1))
    .bind(AttemptState::NotArrived.as_str())
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(Some((id, number)))
}

/// Takes a candidate who has not started off the roster (the caller signs their computers
/// out: `devices::revoke_all`); false when the attempt has started, ended or was already removed.
pub async fn remove_from_roster(conn: &mut AnyConnection, attempt_id: &str) -> sqlx::Result<bool> {
    let removable: Vec<&str> = AttemptState::ALL
        .into_iter()
        .filter(|s| s.removable())
        .map(AttemptState::as_str)
        .collect();
    let done = sqlx::query(
        "UPDATE attempts SET state = $1, revision = revision + 1
         WHERE id = $2 AND started_at IS NULL AND state IN ($3, $4, $5)",
    )
    .bind(AttemptState::Removed.as_str())
    .bind(attempt_id)
    .bind(removable[0])
    .bind(removable[1])
    .bind(removable[2])
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Moves an attempt's code to the next generation: the old code stops working.
pub async fn reissue_code(
    conn: &mut AnyConnection,
    attempt_id: &str,
    code_digest: &dyn Fn(&str, i64) -> String,
) -> sqlx::Result<i64> {
    let generation: i64 =
        sqlx::query_scalar("SELECT code_generation + 1 FROM attempts WHERE id = $1")
            .bind(attempt_id)
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query("UPDATE attempts SET code_generation = $1, access_code_digest = $2 WHERE id = $3")
        .bind(generation)
        .bind(code_digest(attempt_id, generation))
        .bind(attempt_id)
        .execute(&mut *conn)
        .await?;
    Ok(generation)
}

/// Who acted and why, for the event log.
#[derive(Clone, Debug, Default)]
pub struct Note<'a> {
    /// The staff member (None for the candidate or the server).
    pub actor: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub comment: &'a str,
    pub detail: String,
}

/// Why a change was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("no such attempt")]
    NotFound,
    /// The change is not allowed from the attempt's state.
    #[error("not allowed from {0:?}")]
    NotAllowed(AttemptState),
    /// Someone else changed the attempt since it was read.
    #[error("changed by someone else")]
    Conflict,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// The attempt's paper, blueprint or items could not be read to grade it.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Applies a change to an attempt at `at` and logs it, in the caller's transaction. The write
/// only lands if nobody changed the attempt in between (its revision is unchanged).
pub async fn apply(
    conn: &mut AnyConnection,
    attempt_id: &str,
    change: &Change,
    at: i64,
    note: Note<'_>,
) -> Result<AttemptClock, ChangeError> {
    let row: Option<(String, AttemptClock)> = sqlx::query_as::<_, ClockRow>(&format!(
        "SELECT session_id, {CLOCK_COLUMNS} FROM attempts WHERE id = $1"
    ))
    .bind(attempt_id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|r| (r.session_id, r.clock));
    let (session_id, mut clock) = row.ok_or(ChangeError::NotFound)?;
    let read_revision = clock.revision;
    let before = clock
        .apply(change, at)
        .ok_or(ChangeError::NotAllowed(clock.state()))?;
    let written = sqlx::query(
        "UPDATE attempts SET state = $1, checked_in_at = $2, checked_in_by = $3, authorised_at = $4,
             started_at = $5, accommodation_percent = $6, extra_ms = $7, paused_ms = $8,
             paused_since = $9, deadline_at = $10, ended_at = $11, end_cause = $12, paper_id = $13,
             item_count = $14, revision = $15
         WHERE id = $16 AND revision = $17",
    )
    .bind(clock.state.as_str())
    .bind(clock.checked_in_at)
    .bind(&clock.checked_in_by)
    .bind(clock.authorised_at)
    .bind(clock.started_at)
    .bind(clock.accommodation_percent)
    .bind(clock.extra_ms)
    .bind(clock.paused_ms)
    .bind(clock.paused_since)
    .bind(clock.deadline_at)
    .bind(clock.ended_at)
    .bind(&clock.end_cause)
    .bind(&clock.paper_id)
    .bind(clock.item_count)
    .bind(clock.revision)
    .bind(attempt_id)
    .bind(read_revision)
    .execute(&mut *conn)
    .await?;
    if written.rows_affected() != 1 {
        return Err(ChangeError::Conflict);
    }
    if before == AttemptState::Submitted {
        withdraw_result(conn, attempt_id, at, &note).await?;
    }
    let event = LogEntry {
        session_id: &session_id,
        attempt_id: Some(attempt_id),
        action: change.event().action(),
        states: Some((before, clock.state())),
        note,
    };
    log(conn, event).await?;
    Ok(clock)
}

/// Reopened: the result of the submission it undoes is withdrawn by a new row (results are
/// append-only: the history keeps the withdrawn one).
async fn withdraw_result(
    conn: &mut AnyConnection,
    attempt_id: &str,
    at: i64,
    note: &Note<'_>,
) -> anyhow::Result<()> {
    let Some(withdrawn) = grading::store::current(&mut *conn, attempt_id).await? else {
        return Ok(());
    };
    grading::store::append(
        conn,
        NewResult {
            attempt_id,
            kind: ResultKind::Withdrawn,
            score: None,
            responses_digest: &withdrawn.responses_digest,
            recorded_by: note.actor,
            reason: note.reason,
            at,
        },
    )
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct ClockRow {
    session_id: String,
    #[sqlx(flatten)]
    clock: AttemptClock,
}

/// Holds the attempt's row until the caller's transaction ends (PostgreSQL; SQLite writes one
/// transaction at a time anyway), so decisions read from it, such as which computer is
/// active, are not taken twice at once.
pub async fn hold(conn: &mut AnyConnection, attempt_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE attempts SET revision = revision WHERE id = $1")
        .bind(attempt_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// One entry of a session's event log.
pub struct LogEntry<'a> {
    pub session_id: &'a str,
    pub attempt_id: Option<&'a str>,
    pub action: &'a str,
    pub states: Option<(AttemptState, AttemptState)>,
    pub note: Note<'a>,
}

/// Appends to the session's event log (the database refuses updates and deletes of it).
pub async fn log(conn: &mut AnyConnection, entry: LogEntry<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO session_events (id, session_id, attempt_id, at, actor_user_id, action, from_state,
                                     to_state, reason, comment, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(entry.session_id)
    .bind(entry.attempt_id)
    .bind(clock::now_ms())
    .bind(entry.note.actor)
    .bind(entry.action)
    .bind(entry.states.map(|s| s.0.as_str()))
    .bind(entry.states.map(|s| s.1.as_str()))
    .bind(entry.note.reason)
    .bind(entry.note.comment)
    .bind(entry.note.detail)
    .execute(conn)
    .await?;
    Ok(())
}

/// The ids of a session's attempts in one state.
pub async fn in_state(
    conn: &mut AnyConnection,
    session_id: &str,
    state: AttemptState,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT id FROM attempts WHERE session_id = $1 AND state = $2 ORDER BY candidate_number",
    )
    .bind(session_id)
    .bind(state.as_str())
    .fetch_all(conn)
    .await
}
