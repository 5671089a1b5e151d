//! Writing one regraded attempt: the attempt held and claimed for the regrade, checked to
//! still have the result that was scored, its new result row and audit entry, and the credit
//! ledger following the new result in the same transaction.

use sqlx::AnyConnection;

use super::Regrade;
use crate::{
    attempts::{finish::Graded, store},
    audit::{self, AuditEntry},
    credits::{
        ledger,
        store::{Cause, Change},
    },
    grading::{
        self,
        model::{ResultKind, ScoreResult, decimal},
        store::NewResult,
    },
};

/// What scoring an attempt again found, read without holding the writer.
pub(super) struct Found {
    /// The attempt's current result when it was read (None: it has none).
    pub(super) current_id: Option<String>,
    /// The scoring it had and the new one, when they differ.
    pub(super) change: Option<(ScoreResult, Graded)>,
}

/// What became of one attempt.
pub(super) enum Recorded {
    Done {
        changed: bool,
    },
    /// Another node marked it done first.
    AlreadyDone,
    /// Its result changed between the scoring and the write (a practical score, a reopening):
    /// nothing was written; it stays to do.
    Stale,
}

/// Writes what `scored_again` found, in the caller's write transaction: the attempt is held,
/// claimed for this regrade, checked to still have the result that was scored, and given its
/// new result row with an audit entry when the score changed.
pub(super) async fn record(
    conn: &mut AnyConnection,
    regrade: &Regrade,
    attempt_id: &str,
    found: &Found,
    at: i64,
) -> anyhow::Result<Recorded> {
    // Held first, so no submission, reopening or practical entry interleaves.
    store::hold(conn, attempt_id).await?;
    let claimed = sqlx::query(
        "UPDATE regrade_attempts SET done_at = $3
         WHERE regrade_id = $1 AND attempt_id = $2 AND done_at IS NULL",
    )
    .bind(&regrade.id)
    .bind(attempt_id)
    .bind(at)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if claimed == 0 {
        return Ok(Recorded::AlreadyDone);
    }
    let now: Option<String> = sqlx::query_scalar(
        "SELECT id FROM results WHERE attempt_id = $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(attempt_id)
    .fetch_optional(&mut *conn)
    .await?;
    if now != found.current_id {
        return Ok(Recorded::Stale);
    }
    let after = match &found.change {
        None => None,
        Some((before, graded)) => {
            Some(append_regraded(conn, regrade, attempt_id, before, graded, at).await?)
        }
    };
    sqlx::query(
        "UPDATE regrade_attempts SET before_result_id = $3, after_result_id = $4
         WHERE regrade_id = $1 AND attempt_id = $2",
    )
    .bind(&regrade.id)
    .bind(attempt_id)
    .bind(&found.current_id)
    .bind(&after)
    .execute(&mut *conn)
    .await?;
    Ok(Recorded::Done {
        changed: after.is_some(),
    })
}

/// The regraded result row and its audit entry; returns the row's id.
async fn append_regraded(
    conn: &mut AnyConnection,
    regrade: &Regrade,
    attempt_id: &str,
    before: &ScoreResult,
    graded: &Graded,
    at: i64,
) -> anyhow::Result<String> {
    let id = grading::store::append(
        conn,
        NewResult {
            attempt_id,
            kind: ResultKind::Regraded,
            score: Some(&graded.score),
            responses_digest: &graded.digest,
            recorded_by: regrade.requested_by.as_deref(),
            reason: Some(&regrade.reason),
            at,
        },
    )
    .await?;
    audit::record(
        conn,
        AuditEntry {
            actor: regrade.requested_by.as_deref(),
            action: "results.regrade",
            subject_id: attempt_id,
            detail: format!(
                "{} → {}: {}/{} → {}/{} (reason: {})",
                before.outcome.as_str(),
                graded.score.outcome.as_str(),
                decimal(before.total.points),
                before.total.max,
                decimal(graded.score.total.points),
                graded.score.total.max,
                regrade.reason
            ),
        },
    )
    .await?;
    let regrading = Change {
        cause: Cause::Regrade,
        reason: &regrade.reason,
        by: regrade.requested_by.as_deref(),
    };
    ledger::follow_attempt(conn, attempt_id, regrading).await?;
    Ok(id)
}
