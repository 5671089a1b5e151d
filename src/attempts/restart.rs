//! After a restart: whether the service stopped at all (another node may have stayed alive),
//! from when each running attempt is paused, and pausing them all in one transaction of two
//! statements, however many there are.

use anyhow::bail;

use super::{detail::Detail, model::AttemptState, reasons};
use crate::{
    clock,
    db::{Backend, Db},
};

/// A node counts as alive while its last heartbeat is this recent (several beats, so a slow
/// disk is not taken for a crash).
pub const ALIVE_WITHIN_MS: i64 = 15_000;

/// A node's last heartbeat, as a starting node reads it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Heartbeat {
    pub node_name: String,
    pub seen_at: i64,
}

/// What a starting node does with the attempts in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OnStart {
    /// Another node is alive: the service never stopped, nothing is paused.
    Keep { alive: String },
    /// Nobody served meanwhile: pause from the last moment any node was alive (None when no
    /// node ever beat).
    PauseFrom(Option<i64>),
}

/// Decides at start-up. Heartbeats of `me` (this node's earlier instances) never count as
/// another node alive; with one server per database (SQLite, held by its lock) no other node
/// can be alive either, whatever its heartbeat says.
pub fn on_start(beats: &[Heartbeat], me: &str, now: i64, single_server: bool) -> OnStart {
    let alive = beats
        .iter()
        .filter(|b| !single_server && b.node_name != me && now - b.seen_at < ALIVE_WITHIN_MS)
        .max_by_key(|b| b.seen_at);
    match alive {
        Some(other) => OnStart::Keep {
            alive: other.node_name.clone(),
        },
        None => OnStart::PauseFrom(beats.iter().map(|b| b.seen_at).max()),
    }
}

/// The moment an attempt's pause begins: the last moment the service was alive, or the
/// attempt's start or last save if later (they prove it was alive then), never after `now`.
/// `pause_after_restart` computes the same in SQL.
pub fn pause_moment(
    last_alive: Option<i64>,
    started_at: Option<i64>,
    last_seen_at: Option<i64>,
    now: i64,
) -> i64 {
    [last_alive, started_at, last_seen_at]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(now)
        .min(now)
}

/// `pause_moment` over an attempt's row: `$2` now, `$3` the last moment alive (or the
/// smallest number), `$4` the last moment alive or now (for a row with no times at all).
fn pause_moment_sql() -> String {
    let started = "COALESCE(started_at, last_seen_at, $4)";
    let seen = "COALESCE(last_seen_at, started_at, $4)";
    let latest = format!(
        "CASE WHEN {started} >= {seen} AND {started} >= $3 THEN {started} \
              WHEN {seen} >= $3 THEN {seen} ELSE $3 END"
    );
    format!("CASE WHEN {latest} < $2 THEN {latest} ELSE $2 END")
}

/// At start-up: pauses every attempt in progress from the last moment the service was alive
/// (so the time it was down is never charged), unless another node is alive now. One INSERT …
/// SELECT logs every pause and one UPDATE pauses them, in one transaction: the columns
/// written are those of `AttemptClock::apply(&Change::Pause, pause_moment(…))`.
/// Returns how many attempts were paused.
pub async fn pause_after_restart(db: &Db, me: &str, now: i64) -> anyhow::Result<usize> {
    let mut tx = db.begin_write().await?;
    // Nodes starting at the same moment decide and pause one after the other (PostgreSQL):
    // otherwise one's log of pauses could take rows the other's pause then takes.
    crate::db::serialize_on(&mut tx, "node-start").await?;
    let beats: Vec<Heartbeat> = sqlx::query_as("SELECT node_name, seen_at FROM node_heartbeats")
        .fetch_all(&mut *tx)
        .await?;
    let last_alive = match on_start(&beats, me, now, db.backend == Backend::Sqlite) {
        OnStart::Keep { alive } => {
            tracing::info!(node.alive = %alive, "another node is alive; nothing paused at start");
            return Ok(0);
        }
        OnStart::PauseFrom(last_alive) => last_alive,
    };
    let detail = Detail::PausedFrom(last_alive.map(clock::format_local_full)).to_string();
    let running = AttemptState::InProgress.as_str();
    let logged = sqlx::query(
        "INSERT INTO session_events (id, session_id, attempt_id, at, action, from_state, to_state,
                                     reason, comment, detail)
         SELECT $1 || id, session_id, id, $2, $3, state, $4, $5, '', $6
         FROM attempts WHERE state = $7 ORDER BY session_id, candidate_number",
    )
    .bind(format!("{}:", uuid::Uuid::new_v4()))
    .bind(now)
    .bind(super::model::AttemptEvent::Pause.action())
    .bind(AttemptState::Paused.as_str())
    .bind(reasons::SERVER_RESTART)
    .bind(&detail)
    .bind(running)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let paused = sqlx::query(&format!(
        "UPDATE attempts SET state = $5, paused_since = {}, revision = revision + 1
         WHERE state = $1",
        pause_moment_sql()
    ))
    .bind(running)
    .bind(now)
    .bind(last_alive.unwrap_or(i64::MIN))
    .bind(last_alive.unwrap_or(now))
    .bind(AttemptState::Paused.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if paused != logged {
        bail!("{paused} attempts paused but {logged} pauses logged; nothing changed");
    }
    tx.commit().await?;
    if paused > 0 {
        tracing::warn!(
            attempts = paused,
            paused_from = last_alive.map(clock::format_for_log),
            "attempts paused after a restart; proctors resume their rooms"
        );
    }
    Ok(usize::try_from(paused)?)
}

/// The attempts of a session whose latest pause is the one the server made at a restart, with
/// when it restarted (those still paused are waiting for the proctor because of it).
pub async fn last_paused_by_restart(
    pool: &sqlx::AnyPool,
    session_id: &str,
) -> sqlx::Result<std::collections::HashMap<String, i64>> {
    let pauses: Vec<(String, Option<String>, i64)> = sqlx::query_as(
        "SELECT attempt_id, reason, at FROM session_events
         WHERE session_id = $1 AND action = $2 AND attempt_id IS NOT NULL ORDER BY seq",
    )
    .bind(session_id)
    .bind(super::model::AttemptEvent::Pause.action())
    .fetch_all(pool)
    .await?;
    let mut last = std::collections::HashMap::new();
    for (attempt, reason, at) in pauses {
        if reason.as_deref() == Some(reasons::SERVER_RESTART) {
            last.insert(attempt, at);
        } else {
            last.remove(&attempt);
        }
    }
    Ok(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beat(node_name: &str, seen_at: i64) -> Heartbeat {
        Heartbeat {
            node_name: node_name.into(),
            seen_at,
        }
    }

    #[test]
    fn a_node_ignores_its_own_earlier_instances() {
        let now = 100_000;
        let beats = [beat("a", now - 2_000), beat("b", now - 60_000)];
        assert_eq!(
            on_start(&beats, "a", now, false),
            OnStart::PauseFrom(Some(now - 2_000))
        );
        assert_eq!(
            on_start(&beats, "b", now, false),
            OnStart::Keep { alive: "a".into() }
        );
        assert_eq!(
            on_start(&beats, "b", now, true),
            OnStart::PauseFrom(Some(now - 2_000)),
            "one server per SQLite database: nobody else can be alive"
        );
        assert_eq!(on_start(&[], "a", now, false), OnStart::PauseFrom(None));
    }

    #[test]
    fn the_pause_begins_when_the_service_was_last_known_alive() {
        let now = 100_000;
        assert_eq!(pause_moment(Some(50), Some(10), Some(40), now), 50);
        assert_eq!(pause_moment(Some(50), Some(60), Some(70), now), 70);
        assert_eq!(pause_moment(None, Some(10), None, now), 10);
        assert_eq!(pause_moment(Some(now + 5), Some(10), None, now), now);
        assert_eq!(pause_moment(None, None, None, now), now);
    }
}
