//! Candidates' computers, one at a time (the code itself is checked in `guessing`): a second
//! sign-in, or any sign-in to a started attempt when the session requires
//! re-authorisation, waits for the proctor's approval, which is logged.

use std::{future::Future, pin::Pin};

use super::{
    model::AttemptState,
    store::{self as attempts, LogEntry, Note, RosterEntry},
};
use crate::{
    clock,
    vocab::token::{random_token, token_digest},
    web::{AppError, chrome::state},
};
use actix_web::{FromRequest, HttpRequest, dev::Payload};
use sqlx::{AnyConnection, AnyPool};

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
            let device = device_of(&req).ok_or_else(sign_in)?;
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

/// The digest of the device token in this request's exam cookie (what `candidate_devices`
/// stores), if it has one.
pub fn device_of(req: &HttpRequest) -> Option<String> {
    let cookie = req.cookie(state(req).cookies().exam())?;
    Some(token_digest(cookie.value()))
}

/// Whether this request's exam cookie names a device that was signed in but is no longer
/// (another device was let in, or it signed out): such a page is told so, not sent to sign in
/// as if it never had.
pub async fn replaced(req: &HttpRequest) -> sqlx::Result<bool> {
    let Some(device) = device_of(req) else {
        return Ok(false);
    };
    let status = status(&state(req).db.read, &device).await?;
    Ok(status.is_some_and(|s| s != "active" && s != "pending"))
}

/// The stored status of the device whose token digest is `device` (`active`, `pending`, or
/// why it no longer holds its attempt), if it ever signed in.
pub async fn status(pool: &AnyPool, device: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT status FROM candidate_devices WHERE token_digest = $1")
        .bind(device)
        .fetch_optional(pool)
        .await
}

/// A sign-in repeated by the same computer within this long is the same sign-in: a reply lost
/// on a weak network, the button pressed again, or the balancer sending the request again to
/// another node after the first node let the computer in and died before answering.
pub const REPEAT_WITHIN_MS: i64 = 120_000;

/// Where a sign-in comes from: the client's address (for the proctor) and the digest of the
/// computer cookie (empty when the computer brought none).
pub struct Arrival<'a> {
    pub address: &'a str,
    pub computer: &'a str,
}

/// Registers this device for the attempt. It is let in at once, unless another device is
/// signed in, or the attempt has started and the session wants the proctor to re-authorise a
/// returning candidate: then it waits for the proctor. A repeat from the same computer within
/// `REPEAT_WITHIN_MS` takes its earlier sign-in's place and standing instead. Returns the
/// cookie's token.
pub async fn sign_in(
    conn: &mut AnyConnection,
    entry: &RosterEntry,
    reauthorise_on_return: bool,
    arrival: Arrival<'_>,
) -> sqlx::Result<(String, Standing)> {
    // Two computers signing in at once take turns, so at most one becomes active.
    attempts::hold(&mut *conn, &entry.id).await?;
    let now = clock::now_ms();
    let repeated = match arrival.computer {
        "" => None,
        computer => earlier_sign_in(conn, &entry.id, computer, now).await?,
    };
    let (standing, action) = if let Some((earlier, standing)) = repeated {
        sqlx::query(
            "UPDATE candidate_devices SET status = 'revoked', decided_at = $1
             WHERE token_digest = $2",
        )
        .bind(now)
        .bind(&earlier)
        .execute(&mut *conn)
        .await?;
        (standing, "device_sign_in_repeated")
    } else {
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
        // Computers already waiting keep waiting: the proctor approves the right one.
        if others > 0 || (started && reauthorise_on_return) {
            (Standing::Pending, "device_waiting")
        } else {
            (Standing::Active, "device_sign_in")
        }
    };
    let token = random_token();
    let status = match standing {
        Standing::Active => "active",
        Standing::Pending => "pending",
    };
    sqlx::query(
        "INSERT INTO candidate_devices
             (token_digest, attempt_id, status, created_at, address, computer_digest)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_digest(&token))
    .bind(&entry.id)
    .bind(status)
    .bind(now)
    .bind(arrival.address.chars().take(64).collect::<String>())
    .bind(arrival.computer)
    .execute(&mut *conn)
    .await?;
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

/// This computer's sign-in to the attempt within `REPEAT_WITHIN_MS`, still active or waiting:
/// its token's digest and its standing.
async fn earlier_sign_in(
    conn: &mut AnyConnection,
    attempt: &str,
    computer: &str,
    now: i64,
) -> sqlx::Result<Option<(String, Standing)>> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT token_digest, status FROM candidate_devices
         WHERE attempt_id = $1 AND computer_digest = $2 AND created_at >= $3
           AND status IN ('active', 'pending')
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(attempt)
    .bind(computer)
    .bind(now - REPEAT_WITHIN_MS)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(digest, status)| {
        let standing = if status == "active" {
            Standing::Active
        } else {
            Standing::Pending
        };
        (digest, standing)
    }))
}

/// The proctor lets a waiting device in (`device`, or the one that waited longest when the form
/// names none): it becomes the attempt's only active device. False when it was not waiting.
pub async fn approve(
    conn: &mut AnyConnection,
    session_id: &str,
    attempt_id: &str,
    device: Option<&str>,
    proctor: &str,
) -> sqlx::Result<bool> {
    let now = clock::now_ms();
    attempts::hold(&mut *conn, attempt_id).await?;
    let waiting: Option<String> = sqlx::query_scalar(
        "SELECT token_digest FROM candidate_devices
         WHERE attempt_id = $1 AND status = 'pending' AND ($2 = '' OR token_digest = $2)
         ORDER BY created_at LIMIT 1",
    )
    .bind(attempt_id)
    .bind(device.unwrap_or(""))
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

/// A computer waiting for the proctor: since when, from which address.
pub struct Waiting {
    pub device: String,
    pub since: i64,
    pub address: String,
}

/// The computers waiting for the proctor in a session, by attempt, oldest first.
pub async fn waiting(pool: &AnyPool, session_id: &str) -> sqlx::Result<Vec<(String, Waiting)>> {
    let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT d.attempt_id, d.token_digest, d.created_at, d.address FROM candidate_devices d
         JOIN attempts a ON a.id = d.attempt_id
         WHERE a.session_id = $1 AND d.status = 'pending' ORDER BY d.created_at, d.token_digest",
    )
    .bind(session_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(attempt, device, since, address)| {
            (
                attempt,
                Waiting {
                    device,
                    since,
                    address,
                },
            )
        })
        .collect())
}

/// Signs out every computer of the attempt (its code was reissued). Returns how many.
pub async fn revoke_all(
    conn: &mut AnyConnection,
    attempt_id: &str,
    proctor: &str,
) -> sqlx::Result<u64> {
    Ok(sqlx::query(
        "UPDATE candidate_devices SET status = 'revoked', decided_at = $1, decided_by = $2
         WHERE attempt_id = $3 AND status <> 'revoked'",
    )
    .bind(clock::now_ms())
    .bind(proctor)
    .bind(attempt_id)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}
