//! The attempts whose current result item analysis has not taken apart yet
//! (`analysis_queue`): filled by the approval and by results written after it, emptied by
//! [`super::index::catch_up`].

use sqlx::AnyConnection;

/// Queues every submitted attempt of a session being approved (inside the approval's
/// transaction).
pub async fn session_approved(conn: &mut AnyConnection, session_id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO analysis_queue (attempt_id, queued_at)
         SELECT a.id, $2 FROM attempts a
         WHERE a.session_id = $1 AND a.state = 'submitted'
         ON CONFLICT (attempt_id) DO UPDATE SET queued_at = excluded.queued_at",
    )
    .bind(session_id)
    .bind(crate::clock::now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues an attempt of an approved session that has just been given a new result (inside
/// the result's transaction; `grading::store::append` calls it for rows it marks written
/// after approval). On PostgreSQL the upsert waits for a catch-up holding the attempt's
/// entry, so a result written meanwhile is queued again, never lost.
pub async fn result_written(conn: &mut AnyConnection, attempt_id: &str) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO analysis_queue (attempt_id, queued_at) VALUES ($1, $2)
         ON CONFLICT (attempt_id) DO UPDATE SET queued_at = excluded.queued_at",
    )
    .bind(attempt_id)
    .bind(crate::clock::now_ms())
    .execute(conn)
    .await?;
    Ok(())
}
