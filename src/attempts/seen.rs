//! When each candidate's page was last seen by this node (a page load, a save, the page's
//! heartbeat): kept in memory as requests arrive, so being seen costs no write of its own, and
//! written for all of them in one transaction every `FLUSH_EVERY`. A stored time never moves
//! backwards, whichever node or save wrote it.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use crate::db::Db;

/// How often a node writes its candidates' last-seen times: well inside the console's
/// thresholds (`sessions::progress`), so another node's console is never misled for long.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// Rows per statement of a flush (two parameters each, far below either engine's limit).
const CHUNK: usize = 400;

/// This node's sightings not yet written: attempt id → UTC ms.
#[derive(Debug, Default)]
pub struct LastSeen {
    pending: Mutex<HashMap<String, i64>>,
}

impl LastSeen {
    /// The candidate of `attempt_id` was seen at `at` (kept only if later than what is held).
    pub fn saw(&self, attempt_id: &str, at: i64) {
        let mut pending = self.lock();
        let held = pending.entry(attempt_id.to_string()).or_insert(at);
        *held = (*held).max(at);
    }

    /// The later of `stored` (the database's) and what this node saw but has not written yet.
    pub fn latest(&self, attempt_id: &str, stored: Option<i64>) -> Option<i64> {
        let held = self.lock().get(attempt_id).copied();
        stored.max(held)
    }

    /// Every sighting held, to be written.
    fn batch(&self) -> Vec<(String, i64)> {
        self.lock()
            .iter()
            .map(|(id, at)| (id.clone(), *at))
            .collect()
    }

    /// Forgets the sightings of a written batch, except those seen again since.
    fn written(&self, batch: &[(String, i64)]) {
        let mut pending = self.lock();
        for (id, at) in batch {
            if pending.get(id) == Some(at) {
                pending.remove(id);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, i64>> {
        // A panic while holding the map leaves only times in it: still good to use.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One statement writing a chunk of sightings: each attempt's `last_seen_at` becomes its
/// sighting unless it already holds a later time.
fn update_sql(rows: usize) -> String {
    format!(
        "WITH seen (seen_id, seen_at) AS (VALUES {})
         UPDATE attempts AS a SET last_seen_at = s.seen_at FROM seen s
         WHERE a.id = s.seen_id AND (a.last_seen_at IS NULL OR a.last_seen_at < s.seen_at)",
        crate::db::values_list(rows, 2)
    )
}

/// Writes every sighting held in one transaction; on failure they stay held for the next
/// flush. Returns how many attempts' times moved forward.
pub async fn flush(db: &Db, seen: &LastSeen) -> sqlx::Result<u64> {
    let batch = seen.batch();
    if batch.is_empty() {
        return Ok(0);
    }
    let mut tx = db.begin_write().await?;
    let mut moved = 0;
    for chunk in batch.chunks(CHUNK) {
        let sql = update_sql(chunk.len());
        let mut query = sqlx::query(&sql);
        for (id, at) in chunk {
            query = query.bind(id.as_str()).bind(*at);
        }
        moved += query.execute(&mut *tx).await?.rows_affected();
    }
    tx.commit().await?;
    seen.written(&batch);
    Ok(moved)
}

/// The node's flush, every `FLUSH_EVERY`, for ever (the server flushes once more on stopping).
pub async fn run(db: Db, seen: std::sync::Arc<LastSeen>) {
    let mut ticks = tokio::time::interval(FLUSH_EVERY);
    loop {
        ticks.tick().await;
        if let Err(e) = flush(&db, &seen).await {
            tracing::warn!(error = %e, "cannot write the candidates' last-seen times; kept for the next try");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sightings_only_move_forward_and_leave_once_written() {
        let seen = LastSeen::default();
        seen.saw("a", 20);
        seen.saw("a", 10);
        assert_eq!(seen.latest("a", Some(15)), Some(20));
        assert_eq!(seen.latest("a", Some(25)), Some(25));
        assert_eq!(seen.latest("b", None), None);
        let batch = seen.batch();
        seen.saw("b", 30);
        seen.written(&batch);
        assert_eq!(seen.latest("a", None), None, "written, so forgotten");
        assert_eq!(seen.latest("b", None), Some(30), "not in that batch");
        let batch = seen.batch();
        seen.saw("b", 40);
        seen.written(&batch);
        assert_eq!(
            seen.latest("b", None),
            Some(40),
            "seen again while being written"
        );
    }

    /// Each attempt of a chunk is found by its id: the statement never reads every attempt
    /// (it runs every few seconds while holding SQLite's one writer).
    #[tokio::test]
    async fn a_chunk_finds_its_attempts_by_id_without_scanning_them() {
        use sqlx::{Connection, Row};
        let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::query("CREATE TABLE attempts (id TEXT PRIMARY KEY, last_seen_at INTEGER)")
            .execute(&mut conn)
            .await
            .unwrap();
        let plan: Vec<String> = sqlx::query(&format!("EXPLAIN QUERY PLAN {}", update_sql(2)))
            .bind("a")
            .bind(1_i64)
            .bind("b")
            .bind(2_i64)
            .fetch_all(&mut conn)
            .await
            .unwrap()
            .iter()
            .map(|row| row.get::<String, _>("detail"))
            .collect();
        assert!(
            plan.iter().any(|step| step.starts_with("SEARCH a USING")),
            "{plan:?}"
        );
        assert!(
            !plan
                .iter()
                .any(|step| step.starts_with("SCAN a") || step == "SCAN attempts"),
            "{plan:?}"
        );
    }

    #[test]
    fn one_statement_names_each_row_once() {
        let sql = update_sql(3);
        assert!(
            sql.contains("VALUES ($1, $2), ($3, $4), ($5, $6))"),
            "{sql}"
        );
    }
}
