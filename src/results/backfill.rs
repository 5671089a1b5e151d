//! Results written before results were kept exact and append-only (the table
//! `attempt_results`, with 4-decimal strings and untyped JSON) are recomputed into `results`
//! when the server or `sathach migrate` starts: each one in its own write transaction, keeping
//! the digest and the time of what was graded then, and removed from the old table. Passes
//! approved before the credit ledger existed are credited at the same moment.

use anyhow::Context;

use crate::{
    attempts::{
        clock::AttemptClock,
        finish::{Against, grade},
        store,
    },
    db::Db,
    grading::{self, model::ResultKind, store::NewResult},
};

#[derive(sqlx::FromRow)]
struct Legacy {
    attempt_id: String,
    responses_digest: String,
    created_at: i64,
    #[sqlx(flatten)]
    clock: AttemptClock,
}

/// Recomputes every result left in the old table; returns how many. Safe to run again.
pub async fn recompute_legacy(db: &Db) -> anyhow::Result<usize> {
    let legacy: Vec<Legacy> = sqlx::query_as(&format!(
        "SELECT r.attempt_id, r.responses_digest, r.created_at, {}
         FROM attempt_results r JOIN attempts a ON a.id = r.attempt_id
         ORDER BY r.created_at",
        store::clock_columns("a")
    ))
    .fetch_all(&db.read)
    .await?;
    for old in &legacy {
        let mut tx = db.begin_write().await?;
        let already = grading::store::current(&mut *tx, &old.attempt_id).await?;
        if already.is_none() {
            let graded = grade(&mut tx, &old.attempt_id, &old.clock, &Against::default())
                .await
                .with_context(|| {
                    format!(
                        "cannot recompute the stored result of attempt {}",
                        old.attempt_id
                    )
                })?;
            grading::store::append(
                &mut tx,
                NewResult {
                    attempt_id: &old.attempt_id,
                    kind: ResultKind::Migrated,
                    score: Some(&graded.score),
                    responses_digest: &old.responses_digest,
                    recorded_by: None,
                    reason: None,
                    at: old.created_at,
                },
            )
            .await?;
        }
        sqlx::query("DELETE FROM attempt_results WHERE attempt_id = $1")
            .bind(&old.attempt_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    if !legacy.is_empty() {
        tracing::info!(results = legacy.len(), "stored results recomputed exactly");
    }
    Ok(legacy.len())
}

/// What an upgraded database needs before it serves: results recomputed from the old table,
/// then the passes of sessions approved before the credit ledger existed credited.
pub async fn after_upgrade(db: &Db) -> anyhow::Result<()> {
    recompute_legacy(db)
        .await
        .context("cannot recompute the results stored by an earlier version")?;
    crate::credits::ledger::credit_approved_before_ledger(db)
        .await
        .context("cannot credit the results approved before the credit ledger")?;
    Ok(())
}
