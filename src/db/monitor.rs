//! Noticing, within about two seconds, that PostgreSQL cannot be reached, on a connection of
//! the monitor's own (a busy pool under load is not an outage), and noticing when it is back.
//! Requests then fail at once with a clear page instead of hanging on the pool.

use std::time::Duration;

use sqlx::{AnyConnection, Connection};

use super::{Backend, Db};

/// How often the monitor asks the database.
const EVERY: Duration = Duration::from_millis(500);
/// How long an answer may take before the database counts as unreachable.
pub const ANSWER_WITHIN: Duration = Duration::from_millis(1500);

/// Watches the database for ever (PostgreSQL; an embedded SQLite file cannot be unreachable).
pub async fn watch_reachability(db: Db) {
    if db.backend != Backend::Postgres {
        return std::future::pending().await;
    }
    let mut conn: Option<AnyConnection> = None;
    let mut ticks = tokio::time::interval(EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let answered = match conn.as_mut() {
            Some(c) => tokio::time::timeout(ANSWER_WITHIN, c.ping())
                .await
                .is_ok_and(|r| r.is_ok()),
            None => false,
        };
        if answered {
            mark(&db, true, None);
            continue;
        }
        conn = None;
        match tokio::time::timeout(ANSWER_WITHIN, AnyConnection::connect_with(&db.options)).await {
            Ok(Ok(c)) => {
                conn = Some(c);
                mark(&db, true, None);
            }
            Ok(Err(e)) => mark(&db, false, Some(e.to_string())),
            Err(_) => mark(&db, false, Some("no answer within 1.5 s".into())),
        }
    }
}

fn mark(db: &Db, reachable: bool, why: Option<String>) {
    let was_unreachable = db.health.set_unreachable(!reachable);
    match (was_unreachable, reachable) {
        (false, false) => {
            tracing::error!(
                error = why.unwrap_or_default(),
                "the database cannot be reached; requests are refused until it answers again"
            );
        }
        (true, true) => tracing::info!("the database answers again"),
        _ => {}
    }
}
