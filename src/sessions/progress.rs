//! The console's progress table: a row per candidate with their state, time left and whether
//! their page is open and reachable (the page's heartbeat every 20 s, page loads and saves,
//! as this node holds them in memory or any node wrote them); who is signed in and waiting in
//! the lobby; and, after a restart, that the room is paused because of it.

use askama::Template;

use super::model::ExamSession;
use crate::{
    attempts::{
        clock::format_duration,
        devices,
        model::AttemptState,
        reasons, restart,
        seen::LastSeen,
        store::{self as attempts, RosterEntry},
    },
    clock,
    web::{AppError, AppState, Chrome},
};

/// A page that answered within this long is online: two heartbeats (20 s apart) may be lost
/// before the proctor is alarmed.
pub const ONLINE_WITHIN_MS: i64 = 45_000;
/// Beyond this, the page is shown as disconnected (about six heartbeats lost).
pub const UNSTEADY_WITHIN_MS: i64 = 120_000;

/// A candidate's row, ready to show.
pub struct Row {
    pub entry: RosterEntry,
    pub state: AttemptState,
    pub time_left: String,
    pub last_seen: String,
    /// Catalog key of the connection indicator (None before the start or after the end).
    pub connection: Option<&'static str>,
    /// Signed in on a computer that was let in, and not started yet: waiting in the lobby.
    pub in_lobby: bool,
    /// Computers waiting for the proctor's approval: (device digest, since `hh:mm:ss`, address).
    pub waiting: Vec<(String, String, String)>,
}

/// The connection indicator of an attempt last seen at `last_seen`.
pub fn connection(state: AttemptState, last_seen: Option<i64>, now: i64) -> Option<&'static str> {
    matches!(state, AttemptState::InProgress | AttemptState::Paused).then(|| {
        match last_seen.map(|t| now - t) {
            Some(age) if age < ONLINE_WITHIN_MS => "console.online",
            Some(age) if age < UNSTEADY_WITHIN_MS => "console.unsteady",
            _ => "console.offline",
        }
    })
}

impl Row {
    /// The row of `entry` at `now`, last seen as stored or as this node saw it since.
    pub fn new(mut entry: RosterEntry, seen: &LastSeen, now: i64) -> Self {
        entry.last_seen_at = seen.latest(&entry.id, entry.last_seen_at);
        let state = entry.clock.state();
        let time_left = entry
            .clock
            .time_left_ms(now)
            .map(format_duration)
            .unwrap_or_default();
        let last_seen = entry
            .last_seen_at
            .map(clock::format_local_seconds)
            .unwrap_or_default();
        let in_lobby = entry.active_devices > 0
            && matches!(
                state,
                AttemptState::NotArrived | AttemptState::CheckedIn | AttemptState::Authorised
            );
        Self {
            connection: connection(state, entry.last_seen_at, now),
            entry,
            state,
            time_left,
            last_seen,
            in_lobby,
            waiting: Vec::new(),
        }
    }

    pub fn may(&self, action: &str) -> bool {
        super::interventions::parse_action(action)
            .is_some_and(|change| self.entry.clock.allows(&change))
    }
}

/// The session's rows at `now`.
pub async fn rows(state: &AppState, session_id: &str, now: i64) -> Result<Vec<Row>, AppError> {
    let mut rows: Vec<Row> = attempts::roster(&state.db.read, session_id)
        .await?
        .into_iter()
        .map(|e| Row::new(e, &state.seen, now))
        .collect();
    for (attempt, w) in devices::waiting(&state.db.read, session_id).await? {
        if let Some(row) = rows.iter_mut().find(|r| r.entry.id == attempt) {
            let since = clock::format_local_seconds(w.since);
            row.waiting.push((w.device, since, w.address));
        }
    }
    Ok(rows)
}

/// When the server restarted (`hh:mm:ss`), while attempts it paused then are still paused.
pub async fn restarted(
    state: &AppState,
    session_id: &str,
    rows: &[Row],
) -> Result<Option<String>, AppError> {
    if rows.iter().all(|r| r.state != AttemptState::Paused) {
        return Ok(None);
    }
    let by_restart = restart::last_paused_by_restart(&state.db.read, session_id).await?;
    Ok(rows
        .iter()
        .filter(|r| r.state == AttemptState::Paused)
        .filter_map(|r| by_restart.get(&r.entry.id))
        .max()
        .map(|at| clock::format_local_seconds(*at)))
}

/// The reason a resume form starts with: "the server had a problem" when one of `entries`
/// (one candidate, or the whole room) is still paused by a restart; none otherwise.
pub async fn resume_reason<'a>(
    state: &AppState,
    session_id: &str,
    entries: impl IntoIterator<Item = &'a RosterEntry>,
) -> Result<String, AppError> {
    let mut paused = entries
        .into_iter()
        .filter(|e| e.clock.state() == AttemptState::Paused)
        .peekable();
    if paused.peek().is_none() {
        return Ok(String::new());
    }
    let by_restart = restart::last_paused_by_restart(&state.db.read, session_id).await?;
    Ok(if paused.any(|e| by_restart.contains_key(&e.id)) {
        reasons::RESUME_AFTER_RESTART.to_string()
    } else {
        String::new()
    })
}

/// How many candidates are in a state.
pub fn count(rows: &[Row], state: &str) -> usize {
    rows.iter().filter(|r| r.state.as_str() == state).count()
}

/// The progress table alone, for the console's script to refresh in place.
#[derive(Template)]
#[template(path = "sessions/progress.html")]
pub struct ProgressPart {
    pub chrome: Chrome,
    pub session: ExamSession,
    pub rows: Vec<Row>,
    pub updated_at: String,
    /// `hh:mm:ss` of a restart that still keeps attempts paused.
    pub restarted: Option<String>,
}

impl ProgressPart {
    fn count(&self, state: &str) -> usize {
        count(&self.rows, state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_that_pings_is_online_between_beats() {
        let now = 1_000_000;
        let running = AttemptState::InProgress;
        // A candidate reading one question for minutes, their page pinging every 20 s.
        assert_eq!(
            connection(running, Some(now - 21_000), now),
            Some("console.online")
        );
        assert_eq!(
            connection(running, Some(now - 60_000), now),
            Some("console.unsteady")
        );
        assert_eq!(
            connection(running, Some(now - 121_000), now),
            Some("console.offline")
        );
        assert_eq!(connection(running, None, now), Some("console.offline"));
        assert_eq!(connection(AttemptState::Submitted, Some(now), now), None);
    }
}
