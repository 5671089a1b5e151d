//! Candidates' sign-in: candidate number and access code (and date of birth when the session
//! asks), guessing throttled per candidate number (never per lab address), and one device at a
//! time: a second sign-in, or any sign-in to a started attempt when the session requires
//! re-authorisation, waits for the proctor's approval, which is logged.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload};
use sqlx::{AnyConnection, AnyPool};
use subtle::ConstantTimeEq;

use super::{
    model::AttemptState,
    store::{self as attempts, LogEntry, Note, RosterEntry},
};
use crate::{
    accounts::model::{random_token, token_digest},
    clock,
    web::{AppError, chrome::state},
};

/// Failed sign-ins allowed per candidate number within `THROTTLE_WINDOW_MS`.
pub const MAX_FAILURES: i64 = 5;
pub const THROTTLE_WINDOW_MS: i64 = 15 * 60_000;

/// A device's standing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    Active,
    /// Waiting for the proctor to let this device in.
    Pending,
}

/// The signed-in candidate: their attempt and this device's standing.
pub struct Candidate {
    pub attempt_id: String,
    pub standing: Standing,
    /// The digest of this device's token (what `candidate_devices` stores).
    pub device: String,
}

impl FromRequest for Candidate {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = state(&req);
            let sign_in = || AppError::CandidateSignInRequired;
            let cookie = req.cookie(state.cookies().exam()).ok_or_else(sign_in)?;
            let device = token_digest(cookie.value());
            let row: Option<(String, String)> = sqlx::query_as(
                "SELECT attempt_id, status FROM candidate_devices WHERE token_digest = $1",
            )
            .bind(&device)
            .fetch_optional(&state.db.read)
            .await?;
            let Some((attempt_id, status)) = row else {
                return Err(sign_in());
            };
            // Every later line of this request names the attempt (see `web::observe`).
            tracing::Span::current().record("attempt.id", attempt_id.as_str());
            tracing::debug!(device = %status, "candidate identified by their device");
            let standing = match status.as_str() {
                "active" => Standing::Active,
                "pending" => Standing::Pending,
                // The proctor let another computer in, or this one signed out.
                _ => return Err(AppError::DeviceReplaced),
            };
            if standing == Standing::Active {
                // Any request from the attempt's device shows its page open and reachable.
                state.seen.saw(&attempt_id, clock::now_ms());
            }
            Ok(Candidate {
                attempt_id,
                standing,
                device,
            })
        })
    }
}

/// Whether this request's exam cookie names a device that was signed in but is no longer
/// (another device was let in, or it signed out): such a page is told so, not sent to sign in
/// as if it never had.
pub async fn replaced(req: &HttpRequest) -> sqlx::Result<bool> {
    let state = state(req);
    let Some(cookie) = req.cookie(state.cookies().exam()) else {
        return Ok(false);
    };
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM candidate_devices WHERE token_digest = $1")
            .bind(token_digest(cookie.value()))
            .fetch_optional(&state.db.read)
            .await?;
    Ok(status.is_some_and(|s| s != "active" && s != "pending"))
}

/// Failed sign-ins for a candidate number in the window, and when the oldest of them expires.
pub async fn failures(pool: &AnyPool, number: &str, now: i64) -> sqlx::Result<(i64, Option<i64>)> {
    sqlx::query_as(
        "SELECT COUNT(*), MIN(at) FROM candidate_failures WHERE candidate_number = $1 AND at > $2",
    )
    .bind(number)
    .bind(now - THROTTLE_WINDOW_MS)
    .fetch_one(pool)
    .await
}

pub async fn record_failure(conn: &mut AnyConnection, number: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO candidate_failures (id, candidate_number, at) VALUES ($1, $2, $3)")
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(number)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The attempt these credentials open, if they are right: the typed code's digest (keyed, see
/// `AppState::access_code_digest`) compared in constant time,
/// the birth date (`yyyy-mm-dd`) only when the session asks for it.
pub async fn check(
    pool: &AnyPool,
    number: &str,
    typed_digest: &str,
    birth_date: Option<&str>,
) -> sqlx::Result<Option<RosterEntry>> {
    let found: Option<(String, String, i64)> = sqlx::query_as(
        "SELECT a.id, a.access_code_digest, s.ask_birth_date FROM attempts a
         JOIN exam_sessions s ON s.id = a.session_id WHERE a.candidate_number = $1",
    )
    .bind(number)
    .fetch_optional(pool)
    .await?;
    let Some((attempt_id, stored, ask_birth)) = found else {
        return Ok(None);
    };
    if !bool::from(typed_digest.as_bytes().ct_eq(stored.as_bytes())) {
        return Ok(None);
    }
    let entry = attempts::entry(pool, &attempt_id).await?;
    Ok(entry.filter(|e| ask_birth == 0 || birth_date == Some(e.birth_date.as_str())))
}

/// Registers this device for the attempt. It is let in at once, unless another device is
/// signed in, or the attempt has started and the session wants the proctor to re-authorise a
/// returning candidate: then it waits for the proctor. Returns the cookie's token.
pub async fn sign_in(
    conn: &mut AnyConnection,
    entry: &RosterEntry,
    reauthorise_on_return: bool,
) -> sqlx::Result<(String, Standing)> {
    // Two computers signing in at once take turns, so at most one becomes active.
    attempts::hold(&mut *conn, &entry.id).await?;
    let others: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM candidate_devices WHERE attempt_id = $1 AND status = 'active'",
    )
    .bind(&entry.id)
    .fetch_one(&mut *conn)
    .await?;
    let started = matches!(
        entry.clock.state(),
        AttemptState::InProgress | AttemptState::Paused
    );
    let standing = if others > 0 || (started && reauthorise_on_return) {
        Standing::Pending
    } else {
        Standing::Active
    };
    // A device that was waiting and signs in again replaces its own request.
    sqlx::query("UPDATE candidate_devices SET status = 'revoked' WHERE attempt_id = $1 AND status = 'pending'")
        .bind(&entry.id)
        .execute(&mut *conn)
        .await?;
    let token = random_token();
    let status = if standing == Standing::Active {
        "active"
    } else {
        "pending"
    };
    sqlx::query("INSERT INTO candidate_devices (token_digest, attempt_id, status, created_at) VALUES ($1, $2, $3, $4)")
        .bind(token_digest(&token))
        .bind(&entry.id)
        .bind(status)
        .bind(clock::now_ms())
        .execute(&mut *conn)
        .await?;
    let action = if standing == Standing::Active {
        "device_sign_in"
    } else {
        "device_waiting"
    };
    let entry_log = LogEntry {
        session_id: &entry.session_id,
        attempt_id: Some(&entry.id),
        action,
        states: None,
        note: Note::default(),
    };
    attempts::log(conn, entry_log).await?;
    Ok((token, standing))
}

/// The proctor lets the waiting device in: it becomes the attempt's only device. False when no
/// device was waiting.
pub async fn approve(
    conn: &mut AnyConnection,
    session_id: &str,
    attempt_id: &str,
    proctor: &str,
) -> sqlx::Result<bool> {
    let now = clock::now_ms();
    attempts::hold(&mut *conn, attempt_id).await?;
    let waiting: Option<String> = sqlx::query_scalar(
        "SELECT token_digest FROM candidate_devices WHERE attempt_id = $1 AND status = 'pending'",
    )
    .bind(attempt_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(waiting) = waiting else {
        return Ok(false);
    };
    sqlx::query("UPDATE candidate_devices SET status = 'revoked', decided_at = $1, decided_by = $2 WHERE attempt_id = $3 AND status = 'active'")
        .bind(now)
        .bind(proctor)
        .bind(attempt_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE candidate_devices SET status = 'active', decided_at = $1, decided_by = $2 WHERE token_digest = $3")
        .bind(now)
        .bind(proctor)
        .bind(&waiting)
        .execute(&mut *conn)
        .await?;
    let note = Note {
        actor: Some(proctor),
        ..Note::default()
    };
    let entry = LogEntry {
        session_id,
        attempt_id: Some(attempt_id),
        action: "device_approved",
        states: None,
        note,
    };
    attempts::log(conn, entry).await?;
    Ok(true)
}
