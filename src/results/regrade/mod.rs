//! Regrading after a key correction, as background work: each published bank version that
//! corrected keys becomes a regrade listing every attempt with a result whose paper holds a
//! corrected item; each attempt is then scored again with the corrected keys in a transaction
//! of its own that also marks it done, so candidates' saves never wait behind more than one
//! attempt and a restart resumes where the work stopped. A changed score is a new result row
//! (kind `regraded`, by whoever imported the correction, with their reason).

pub mod pages;
mod record;
mod start;
pub mod view;

use std::time::Duration;

use sqlx::{AnyConnection, FromRow};

use record::{Found, Recorded, record};

use crate::{
    attempts::{
        clock::AttemptClock,
        finish::{Against, grade},
        model::AttemptState,
        store,
    },
    audit::{self, AuditEntry},
    clock,
    db::{Db, is_outage},
    grading::{self},
};

/// How often an idle node looks for new key corrections.
const POLL: Duration = Duration::from_secs(2);
/// Attempts a node claims at a time while working through a regrade.
const BATCH: i64 = 200;
/// How long a claim holds: a batch is scored in seconds, so only a node that stopped (or lost
/// the database) leaves its batch to the others this long.
const CLAIM_MS: i64 = 60_000;

/// A regrade as its work needs it.
#[derive(Clone, Debug, FromRow)]
pub(super) struct Regrade {
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

/// For tests: stops after scoring `attempts` attempts again, as a node stopping there would
/// (giving back what it claimed and did not score); the next run must resume.
#[doc(hidden)]
pub async fn run_pending_dying_after(db: &Db, attempts: usize) -> anyhow::Result<Worked> {
    work(db, attempts).await
}

/// For tests: scores one listed attempt of a regrade again with `meanwhile` run between the
/// scoring and the write, as a request changing the attempt's result could be. Returns
/// whether the attempt was written (and marked done).
#[doc(hidden)]
pub async fn rescore_one_racing(
    db: &Db,
    regrade_id: &str,
    attempt_id: &str,
    meanwhile: impl Future<Output = ()>,
) -> anyhow::Result<bool> {
    let regrade: Regrade =
        sqlx::query_as("SELECT id, reason, requested_by FROM regrades WHERE id = $1")
            .bind(regrade_id)
            .fetch_one(&db.read)
            .await?;
    let recorded = rescore_then(db, &regrade, attempt_id, meanwhile).await?;
    Ok(matches!(recorded, Recorded::Done { .. }))
}

/// One pass's name on the attempts it claims, and whether it claimed any.
struct Claimant {
    id: String,
    claimed: bool,
}

/// One pass over the pending work, under a claimant of its own. What it claimed and did not
/// score (it stopped early, or failed) is given back as it returns; a pass that claimed
/// nothing (an idle node, every 2 s) writes nothing.
async fn work(db: &Db, at_most: usize) -> anyhow::Result<Worked> {
    let mut claimant = Claimant {
        id: uuid::Uuid::new_v4().to_string(),
        claimed: false,
    };
    let worked = work_as(db, &mut claimant, at_most).await;
    if !claimant.claimed {
        return worked;
    }
    let given_back = sqlx::query(
        "UPDATE regrade_attempts SET claimed_by = NULL, claimed_until = NULL
         WHERE claimed_by = $1 AND done_at IS NULL",
    )
    .bind(&claimant.id)
    .execute(&db.write)
    .await;
    if let Err(e) = given_back {
        tracing::warn!(error = %e, "cannot give back the regrade's claims; they run out by themselves");
    }
    worked
}

/// Takes up to `BATCH` unscored attempts of the regrade for `claimant`: those nobody else
/// holds, or whose claim ran out (its node stopped). On PostgreSQL rows another node is
/// claiming at this moment are skipped, so nodes working at once take different batches.
async fn claim(db: &Db, regrade: &str, claimant: &mut Claimant) -> anyhow::Result<Vec<String>> {
    let now = clock::now_ms();
    let sql = format!(
        "UPDATE regrade_attempts SET claimed_by = $2, claimed_until = $3
         WHERE regrade_id = $1 AND attempt_id IN (
             SELECT attempt_id FROM regrade_attempts
             WHERE regrade_id = $1 AND done_at IS NULL
               AND (claimed_until IS NULL OR claimed_until < $4 OR claimed_by = $2)
             ORDER BY attempt_id LIMIT $5{})
         RETURNING attempt_id",
        db.skip_locked()
    );
    let mut tx = db.begin_write().await?;
    let mut due: Vec<String> = sqlx::query_scalar(&sql)
        .bind(regrade)
        .bind(&claimant.id)
        .bind(now + CLAIM_MS)
        .bind(now)
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
    tx.commit().await?;
    claimant.claimed |= !due.is_empty();
    due.sort();
    Ok(due)
}

async fn work_as(db: &Db, claimant: &mut Claimant, at_most: usize) -> anyhow::Result<Worked> {
    let mut worked = Worked {
        started: start::start_new(db).await?,
        ..Worked::default()
    };
    let unfinished: Vec<Regrade> = sqlx::query_as(
        "SELECT id, reason, requested_by FROM regrades
         WHERE finished_at IS NULL AND listed_at IS NOT NULL ORDER BY created_at, id",
    )
    .fetch_all(&db.read)
    .await?;
    for regrade in unfinished {
        loop {
            let due = claim(db, &regrade.id, claimant).await?;
            if due.is_empty() {
                break;
            }
            for attempt_id in &due {
                if worked.rescored == at_most {
                    return Ok(worked);
                }
                match rescore(db, &regrade, attempt_id).await {
                    Ok(Recorded::Done { changed }) => {
                        worked.rescored += 1;
                        worked.changed += usize::from(changed);
                    }
                    // Done by another node, or to be scored again on the next pass.
                    Ok(Recorded::AlreadyDone | Recorded::Stale) => {}
                    // The database is away: the work resumes at the next attempt to run.
                    Err(e) if is_outage_error(&e) => return Err(e),
                    Err(e) => set_aside(db, &regrade, attempt_id, &e).await?,
                }
            }
        }
        finish(db, &regrade).await?;
    }
    Ok(worked)
}

/// Scores one attempt again with the corrected keys. The scoring reads on the read pool, so
/// the writer is held only for the few rows written, in one short transaction that first
/// checks the attempt's result is still the one scored, then marks the attempt done.
async fn rescore(db: &Db, regrade: &Regrade, attempt_id: &str) -> anyhow::Result<Recorded> {
    rescore_then(db, regrade, attempt_id, std::future::ready(())).await
}

/// `rescore`, running `meanwhile` between the scoring and the write.
async fn rescore_then(
    db: &Db,
    regrade: &Regrade,
    attempt_id: &str,
    meanwhile: impl Future<Output = ()>,
) -> anyhow::Result<Recorded> {
    let found = {
        let mut conn = db.read.acquire().await?;
        scored_again(&mut conn, attempt_id).await?
    };
    meanwhile.await;
    let mut tx = db.begin_write().await?;
    let recorded = record(&mut tx, regrade, attempt_id, &found, clock::now_ms()).await?;
    if matches!(recorded, Recorded::Done { .. }) {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(recorded)
}

/// The attempt's current result scored again with the corrected keys (reading only).
async fn scored_again(conn: &mut AnyConnection, attempt_id: &str) -> anyhow::Result<Found> {
    let Some(current) = grading::store::current(&mut *conn, attempt_id).await? else {
        return Ok(Found {
            current_id: None,
            change: None,
        });
    };
    let clock: AttemptClock = sqlx::query_as(&format!(
        "SELECT {} FROM attempts a WHERE a.id = $1",
        store::clock_columns("a")
    ))
    .bind(attempt_id)
    .fetch_one(&mut *conn)
    .await?;
    let change = match current.score {
        // Withdrawn (reopened): nothing to score until it is submitted again.
        Some(score) if clock.state() == AttemptState::Submitted => {
            let graded = grade(conn, attempt_id, &clock, &Against::corrected(&score)).await?;
            (graded.score != score).then_some((score, graded))
        }
        _ => None,
    };
    Ok(Found {
        current_id: Some(current.id),
        change,
    })
}

fn is_outage_error(error: &anyhow::Error) -> bool {
    error
        .chain()
        .any(|cause| cause.downcast_ref::<sqlx::Error>().is_some_and(is_outage))
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
