//! Keeping time fair: each server node records a heartbeat; after a restart, attempts that were
//! in progress are paused from the last moment a node was alive (so the time the server was
//! down is never charged) until a proctor resumes the room; and attempts whose deadline has
//! passed are submitted by the server.

use std::time::Duration;

use super::{
    clock::{Change, EndCause},
    finish::finish,
    model::AttemptState,
    reasons,
    store::{self, ChangeError, Note},
};
use crate::{clock, db::Db};

/// How often a node records that it is alive and submits overdue attempts.
pub const BEAT: Duration = Duration::from_secs(2);

/// A node counts as alive while its last heartbeat is this recent (several beats, so a slow
/// disk is not taken for a crash).
const ALIVE_WITHIN_MS: i64 = 15_000;

/// Records that this node is alive now.
pub async fn beat(db: &Db, node_id: &str, started_at: i64) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO node_heartbeats (node_id, started_at, seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (node_id) DO UPDATE SET seen_at = excluded.seen_at",
    )
    .bind(node_id)
    .bind(started_at)
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// At start-up: pauses every attempt in progress from the last moment the service was alive,
/// unless another node is alive now (PostgreSQL with several nodes: the service never stopped).
/// Returns how many attempts were paused.
pub async fn pause_after_restart(db: &Db, now: i64) -> anyhow::Result<usize> {
    let last_alive: Option<i64> = sqlx::query_scalar("SELECT MAX(seen_at) FROM node_heartbeats")
        .fetch_one(&db.read)
        .await?;
    if db.backend != crate::db::Backend::Sqlite
        && last_alive.is_some_and(|t| now - t < ALIVE_WITHIN_MS)
    {
        return Ok(0);
    }
    let running: Vec<(String, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT id, started_at, last_seen_at FROM attempts WHERE state = $1")
            .bind(AttemptState::InProgress.as_str())
            .fetch_all(&db.read)
            .await?;
    let mut paused = 0;
    for (id, started_at, last_seen_at) in running {
        let since = [last_alive, started_at, last_seen_at]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(now)
            .min(now);
        let note = Note {
            reason: Some(reasons::SERVER_RESTART),
            detail: format!("paused from {}", clock::format_local(since)),
            ..Note::default()
        };
        let mut tx = db.begin_write().await?;
        match store::apply(&mut tx, &id, &Change::Pause, since, note).await {
            Ok(_) => {
                tx.commit().await?;
                paused += 1;
            }
            Err(e) => tracing::warn!(attempt.id = %id, error = %e, "could not pause after restart"),
        }
    }
    if paused > 0 {
        tracing::warn!(
            attempts = paused,
            paused_from = %last_alive.map(clock::format_for_log).unwrap_or_default(),
            "attempts paused after a restart; proctors resume their rooms"
        );
    }
    Ok(paused)
}

/// Submits (and grades) every attempt in progress whose deadline passed more than `grace_ms`
/// ago (saves already on their way are accepted until then); each ends at its deadline.
/// Returns how many.
pub async fn submit_overdue(db: &Db, now: i64, grace_ms: i64) -> anyhow::Result<usize> {
    let overdue: Vec<String> =
        sqlx::query_scalar("SELECT id FROM attempts WHERE state = $1 AND deadline_at <= $2")
            .bind(AttemptState::InProgress.as_str())
            .bind(now - grace_ms)
            .fetch_all(&db.read)
            .await?;
    let mut submitted = 0;
    for id in overdue {
        let note = Note {
            reason: Some(reasons::DEADLINE),
            ..Note::default()
        };
        let mut tx = db.begin_write().await?;
        // Someone may have paused or submitted it meanwhile: then it is not overdue any more.
        match finish(&mut tx, &id, EndCause::Deadline, now, note).await {
            Ok(_) => {
                tx.commit().await?;
                submitted += 1;
            }
            Err(ChangeError::Other(e)) => {
                tracing::error!(attempt.id = %id, error = %format!("{e:#}"), "cannot grade at the deadline")
            }
            Err(_) => {}
        }
    }
    Ok(submitted)
}

/// The node's background work: a heartbeat and the deadline sweep, every `BEAT`, for ever.
pub async fn run(db: Db, node_id: String, grace_ms: i64) {
    let started_at = clock::now_ms();
    db.health
        .heartbeat_started(started_at, BEAT.as_millis() as i64);
    let mut ticks = tokio::time::interval(BEAT);
    loop {
        ticks.tick().await;
        match beat(&db, &node_id, started_at).await {
            Ok(()) => db.health.heartbeat_committed(clock::now_ms()),
            Err(e) => tracing::error!(error = %e, "cannot record the heartbeat"),
        }
        match submit_overdue(&db, clock::now_ms(), grace_ms).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(attempts = n, "submitted at the deadline"),
            Err(e) => tracing::error!(error = %e, "cannot submit overdue attempts"),
        }
    }
}
