//! Regrading after a key correction, as background work: each published bank version that
//! corrected keys becomes a regrade listing every attempt with a result whose paper holds a
//! corrected item; each attempt is then scored again with the corrected keys in a transaction
//! of its own that also marks it done, so candidates' saves never wait behind more than one
//! attempt and a restart resumes where the work stopped. A changed score is a new result row
//! (kind `regraded`, by whoever imported the correction, with their reason).

pub mod pages;
pub mod view;

use std::{collections::BTreeMap, time::Duration};

use sqlx::{AnyConnection, FromRow};

use crate::{
    attempts::{
        clock::AttemptClock,
        finish::{Against, grade},
        model::AttemptState,
        store,
    },
    audit::{self, AuditEntry},
    clock,
    db::Db,
    grading::{
        self,
        model::{ResultKind, decimal},
        store::NewResult,
    },
};

/// How often an idle node looks for new key corrections.
const POLL: Duration = Duration::from_secs(2);
/// Attempts read per query while working through a regrade.
const BATCH: i64 = 200;

/// A regrade as its work needs it.
#[derive(Clone, Debug, FromRow)]
struct Regrade {
    id: String,
    reason: String,
    requested_by: Option<String>,
}

/// What a run of the pending work did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Worked {
    /// Regrades created from newly published key corrections.
    pub started: usize,
    /// Attempts scored again.
    pub rescored: usize,
    /// Of those, the ones whose result changed (a new result row).
    pub changed: usize,
}

/// The node's regrading, for ever: new key corrections become regrades, and unfinished
/// regrades (this node's or a stopped node's) are worked through.
pub async fn run(db: Db) {
    loop {
        match run_pending(&db).await {
            Ok(worked) if worked.rescored > 0 || worked.started > 0 => tracing::info!(
                regrades.started = worked.started,
                attempts.rescored = worked.rescored,
                results.changed = worked.changed,
                "regraded after key corrections"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %format!("{e:#}"), "cannot regrade"),
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Starts a regrade for each key correction published since, then works through every
/// unfinished regrade, until none is left.
pub async fn run_pending(db: &Db) -> anyhow::Result<Worked> {
    work(db, usize::MAX).await
}

/// For tests: stops for good after scoring `attempts` attempts again, as if the process had
/// died there; the next run must resume.
#[doc(hidden)]
pub async fn run_pending_dying_after(db: &Db, attempts: usize) -> anyhow::Result<Worked> {
    work(db, attempts).await
}

async fn work(db: &Db, at_most: usize) -> anyhow::Result<Worked> {
    let mut worked = Worked {
        started: start_new(db).await?,
        ..Worked::default()
    };
    let unfinished: Vec<Regrade> = sqlx::query_as(
        "SELECT id, reason, requested_by FROM regrades WHERE finished_at IS NULL
         ORDER BY created_at, id",
    )
    .fetch_all(&db.read)
    .await?;
    for regrade in unfinished {
        loop {
            let due: Vec<String> = sqlx::query_scalar(
                "SELECT attempt_id FROM regrade_attempts
                 WHERE regrade_id = $1 AND done_at IS NULL ORDER BY attempt_id LIMIT $2",
            )
            .bind(&regrade.id)
            .bind(BATCH)
            .fetch_all(&db.read)
            .await?;
            if due.is_empty() {
                break;
            }
            for attempt_id in &due {
                if worked.rescored == at_most {
                    return Ok(worked);
                }
                let mut tx = db.begin_write().await?;
                match rescore(&mut tx, &regrade, attempt_id, clock::now_ms()).await {
                    Ok(changed) => {
                        tx.commit().await?;
                        worked.rescored += 1;
                        worked.changed += usize::from(changed == Some(true));
                    }
                    Err(e) => {
                        drop(tx);
                        set_aside(db, &regrade, attempt_id, &e).await?;
                    }
                }
            }
        }
        finish(db, &regrade).await?;
    }
    Ok(worked)
}

#[derive(FromRow)]
struct Correction {
    version_id: String,
    reason: Option<String>,
    bank_version_id: Option<String>,
}

/// Published key corrections that no regrade has taken yet become regrades, one per bank
/// version that published them. Returns how many were started.
async fn start_new(db: &Db) -> anyhow::Result<usize> {
    let corrections: Vec<Correction> = sqlx::query_as(
        "SELECT iv.id AS version_id, iv.reason,
                (SELECT bv.id FROM bank_version_items bvi
                 JOIN bank_versions bv ON bv.id = bvi.bank_version_id
                 WHERE bvi.item_version_id = iv.id
                   AND NOT EXISTS (SELECT 1 FROM bank_imports bi WHERE bi.id = bv.import_id)
                 ORDER BY bv.number LIMIT 1) AS bank_version_id
         FROM item_versions iv
         WHERE iv.key_correction = 1
           AND NOT EXISTS (SELECT 1 FROM regrade_items ri WHERE ri.item_version_id = iv.id)",
    )
    .fetch_all(&db.read)
    .await?;
    // Staged corrections (no published version yet) wait for their publication.
    let mut by_version: BTreeMap<String, Vec<Correction>> = BTreeMap::new();
    for c in corrections {
        if let Some(bank_version) = c.bank_version_id.clone() {
            by_version.entry(bank_version).or_default().push(c);
        }
    }
    let started = by_version.len();
    for (bank_version, corrections) in by_version {
        let mut tx = db.begin_write().await?;
        start(&mut tx, &bank_version, &corrections).await?;
        tx.commit().await?;
    }
    Ok(started)
}

/// Creates the regrade of one bank version: its corrected item versions and the attempts
/// whose current result may depend on them.
async fn start(
    conn: &mut AnyConnection,
    bank_version: &str,
    corrections: &[Correction],
) -> anyhow::Result<()> {
    let reason = corrections
        .iter()
        .find_map(|c| c.reason.clone())
        .unwrap_or_default();
    sqlx::query(
        "INSERT INTO regrades (id, reason, requested_by, created_at, total)
         SELECT id, $2, imported_by, $3, 0 FROM bank_versions WHERE id = $1",
    )
    .bind(bank_version)
    .bind(&reason)
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await?;
    for c in corrections {
        sqlx::query("INSERT INTO regrade_items (regrade_id, item_version_id) VALUES ($1, $2)")
            .bind(bank_version)
            .bind(&c.version_id)
            .execute(&mut *conn)
            .await?;
    }
    let listed = sqlx::query(
        "INSERT INTO regrade_attempts (regrade_id, attempt_id)
         SELECT DISTINCT $1, a.id FROM attempts a
         JOIN paper_items pi ON pi.paper_id = a.paper_id
         JOIN item_versions iv ON iv.item_id = pi.item_id
         JOIN regrade_items ri ON ri.item_version_id = iv.id
         WHERE ri.regrade_id = $1
           AND EXISTS (SELECT 1 FROM results r WHERE r.attempt_id = a.id)",
    )
    .bind(bank_version)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query("UPDATE regrades SET total = $2 WHERE id = $1")
        .bind(bank_version)
        .bind(listed as i64)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        AuditEntry {
            actor: None,
            action: "results.regrade_started",
            subject_id: bank_version,
            detail: format!(
                "{} corrected keys, {listed} results to score again (reason: {reason})",
                corrections.len()
            ),
        },
    )
    .await?;
    Ok(())
}

/// Scores one attempt again with the corrected keys, in the caller's transaction, and marks
/// it done. Returns whether its result changed; None when there was nothing to do (another
/// node did it, or the attempt has no result now: it was reopened).
async fn rescore(
    conn: &mut AnyConnection,
    regrade: &Regrade,
    attempt_id: &str,
    at: i64,
) -> anyhow::Result<Option<bool>> {
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
        return Ok(None);
    }
    let Some(current) = grading::store::current(&mut *conn, attempt_id).await? else {
        return Ok(None);
    };
    let clock: AttemptClock = sqlx::query_as(&format!(
        "SELECT {} FROM attempts a WHERE a.id = $1",
        store::clock_columns("a")
    ))
    .bind(attempt_id)
    .fetch_one(&mut *conn)
    .await?;
    let Some(score) = current
        .score
        .as_ref()
        .filter(|_| clock.state() == AttemptState::Submitted)
    else {
        return Ok(None);
    };
    let graded = grade(conn, attempt_id, &clock, &Against::corrected(score)).await?;
    let after = if graded.score == *score {
        None
    } else {
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
                    score.outcome.as_str(),
                    graded.score.outcome.as_str(),
                    decimal(score.total.points),
                    score.total.max,
                    decimal(graded.score.total.points),
                    graded.score.total.max,
                    regrade.reason
                ),
            },
        )
        .await?;
        Some(id)
    };
    sqlx::query(
        "UPDATE regrade_attempts SET before_result_id = $3, after_result_id = $4
         WHERE regrade_id = $1 AND attempt_id = $2",
    )
    .bind(&regrade.id)
    .bind(attempt_id)
    .bind(&current.id)
    .bind(&after)
    .execute(&mut *conn)
    .await?;
    Ok(Some(after.is_some()))
}

/// An attempt that cannot be scored again (its stored paper is damaged, say) keeps its result;
/// the regrade records why and goes on with the others.
async fn set_aside(
    db: &Db,
    regrade: &Regrade,
    attempt_id: &str,
    error: &anyhow::Error,
) -> anyhow::Result<()> {
    tracing::error!(
        regrade.id = %regrade.id,
        attempt.id = %attempt_id,
        error = %format!("{error:#}"),
        "cannot score an attempt again after a key correction"
    );
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "UPDATE regrade_attempts SET done_at = $3, failure = $4
         WHERE regrade_id = $1 AND attempt_id = $2 AND done_at IS NULL",
    )
    .bind(&regrade.id)
    .bind(attempt_id)
    .bind(clock::now_ms())
    .bind(format!("{error:#}"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Marks a regrade finished once none of its attempts is left, audited with what it changed.
async fn finish(db: &Db, regrade: &Regrade) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    let (left, changed): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN done_at IS NULL THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN after_result_id IS NOT NULL THEN 1 ELSE 0 END), 0)
         FROM regrade_attempts WHERE regrade_id = $1",
    )
    .bind(&regrade.id)
    .fetch_one(&mut *tx)
    .await?;
    let marked = sqlx::query(
        "UPDATE regrades SET finished_at = $2 WHERE id = $1 AND finished_at IS NULL AND $3 = 0",
    )
    .bind(&regrade.id)
    .bind(clock::now_ms())
    .bind(left)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if marked > 0 {
        audit::record(
            &mut tx,
            AuditEntry {
                actor: None,
                action: "results.regrade_finished",
                subject_id: &regrade.id,
                detail: format!("{changed} results changed (reason: {})", regrade.reason),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
