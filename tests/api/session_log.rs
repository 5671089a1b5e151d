//! A session's log as tests read it.

use crate::helpers::TestApp;

impl TestApp {
    /// The session's log: (action, reason, actor's e-mail, from state, to state).
    pub async fn log_of(&self, session: &str) -> Vec<LogLine> {
        sqlx::query_as(
            "SELECT e.action, e.reason, u.email, e.from_state, e.to_state, e.attempt_id
             FROM session_events e LEFT JOIN users u ON u.id = e.actor_user_id
             WHERE e.session_id = $1 ORDER BY e.seq",
        )
        .bind(session)
        .fetch_all(&self.db.read)
        .await
        .unwrap()
    }
}

/// One line of a session's log, as tests look at it.
#[derive(Debug, sqlx::FromRow)]
pub struct LogLine {
    pub action: String,
    pub reason: Option<String>,
    pub email: Option<String>,
    pub from_state: Option<String>,
    pub to_state: Option<String>,
    pub attempt_id: Option<String>,
}
