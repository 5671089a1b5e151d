//! What staff read of a regrade: the correction it applies and how far it has come, the
//! results it changed (old and new score and outcome, whether the session had been approved),
//! the attempts it could not score again, and the regrades that touched a session.

use sqlx::{AnyPool, FromRow};

use crate::{
    accounts::SessionUser,
    banks::store::key_corrections_published,
    grading::model::{Outcome, Points, Tally},
    sessions::store::Scope,
};

/// The bank version whose key corrections a regrade applies (it exists before its regrade).
#[derive(Clone, Debug, FromRow)]
pub struct Correction {
    pub bank_version_id: String,
    pub bank_id: String,
    pub bank_code: String,
    pub bank_title: String,
    pub organisation_id: String,
    pub version: i64,
    /// Key corrections this version published.
    pub corrected: i64,
}

/// A bank version and the key corrections it published; None when there is no such version.
pub async fn correction(pool: &AnyPool, bank_version_id: &str) -> sqlx::Result<Option<Correction>> {
    sqlx::query_as(&format!(
        "SELECT bv.id AS bank_version_id, b.id AS bank_id, b.code AS bank_code,
                b.title AS bank_title, b.organisation_id, bv.number AS version,
                {} AS corrected
         FROM bank_versions bv JOIN banks b ON b.id = bv.bank_id
         WHERE bv.id = $1 AND bv.import_id IS NULL",
        key_corrections_published("bv")
    ))
    .bind(bank_version_id)
    .fetch_optional(pool)
    .await
}

/// A regrade's state.
#[derive(Clone, Debug, FromRow)]
pub struct Progress {
    pub reason: String,
    pub requested_by: Option<String>,
    pub created_at: i64,
    /// None while the attempts to score again are being listed.
    pub listed_at: Option<i64>,
    pub total: i64,
    pub done: i64,
    pub failed: i64,
    pub changed: i64,
    pub finished_at: Option<i64>,
}

/// How far the regrade of a bank version has come; None before it has started, and while
/// the attempts to score again are still being listed.
pub async fn progress(pool: &AnyPool, regrade_id: &str) -> sqlx::Result<Option<Progress>> {
    sqlx::query_as(
        "SELECT g.reason, u.full_name AS requested_by, g.created_at, g.listed_at, g.total,
                g.finished_at,
                (SELECT COUNT(*) FROM regrade_attempts ra
                 WHERE ra.regrade_id = g.id AND ra.done_at IS NOT NULL) AS done,
                (SELECT COUNT(*) FROM regrade_attempts ra
                 WHERE ra.regrade_id = g.id AND ra.failure IS NOT NULL) AS failed,
                (SELECT COUNT(*) FROM regrade_attempts ra
                 WHERE ra.regrade_id = g.id AND ra.after_result_id IS NOT NULL) AS changed
         FROM regrades g LEFT JOIN users u ON u.id = g.requested_by WHERE g.id = $1",
    )
    .bind(regrade_id)
    .fetch_optional(pool)
    .await
    .map(|progress: Option<Progress>| progress.filter(|p| p.listed_at.is_some()))
}

/// Which way a result's outcome went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flip {
    FailToPass,
    PassToFail,
}

/// One result the regrade changed.
#[derive(Clone, Debug)]
pub struct Change {
    pub session_id: String,
    pub session_code: String,
    pub attempt_id: String,
    pub candidate_number: String,
    pub full_name: String,
    pub before: (Outcome, Tally),
    pub after: (Outcome, Tally),
    /// The session's results had been approved when the regrade changed this one.
    pub after_approval: bool,
}

impl Change {
    pub fn flip(&self) -> Option<Flip> {
        match (self.before.0, self.after.0) {
            (Outcome::Fail, Outcome::Pass) => Some(Flip::FailToPass),
            (Outcome::Pass, Outcome::Fail) => Some(Flip::PassToFail),
            _ => None,
        }
    }
}

#[derive(FromRow)]
struct ChangeRow {
    session_id: String,
    session_code: String,
    attempt_id: String,
    candidate_number: String,
    full_name: String,
    before_outcome: String,
    before_num: i64,
    before_den: i64,
    before_max: i64,
    after_outcome: String,
    after_num: i64,
    after_den: i64,
    after_max: i64,
    after_approval: i64,
}

fn outcome_and_tally(outcome: &str, num: i64, den: i64, max: i64) -> (Outcome, Tally) {
    (
        Outcome::parse(outcome).unwrap_or(Outcome::Pending),
        Tally {
            points: Points::new(num, den.max(1)),
            max,
        },
    )
}

/// The results the regrade changed in the sessions this staff member sees: whose outcome
/// flipped first, then by session and candidate number.
pub async fn changes(
    pool: &AnyPool,
    user: &SessionUser,
    regrade_id: &str,
) -> sqlx::Result<Vec<Change>> {
    let (scope, scope_id) = Scope::of(user).condition(2);
    let rows: Vec<ChangeRow> = sqlx::query_as(&format!(
        "SELECT s.id AS session_id, s.code AS session_code, a.id AS attempt_id,
                a.candidate_number, p.full_name,
                rb.outcome AS before_outcome, rb.points_num AS before_num,
                rb.points_den AS before_den, rb.max_points AS before_max,
                rn.outcome AS after_outcome, rn.points_num AS after_num,
                rn.points_den AS after_den, rn.max_points AS after_max, rn.after_approval
         FROM regrade_attempts ra
         JOIN attempts a ON a.id = ra.attempt_id
         JOIN exam_sessions s ON s.id = a.session_id
         JOIN people p ON p.id = a.person_id
         JOIN results rb ON rb.id = ra.before_result_id
         JOIN results rn ON rn.id = ra.after_result_id
         WHERE ra.regrade_id = $1 AND {scope}
         ORDER BY s.code, a.candidate_number"
    ))
    .bind(regrade_id)
    .bind(scope_id)
    .fetch_all(pool)
    .await?;
    let mut changes: Vec<Change> = rows
        .into_iter()
        .map(|r| Change {
            before: outcome_and_tally(&r.before_outcome, r.before_num, r.before_den, r.before_max),
            after: outcome_and_tally(&r.after_outcome, r.after_num, r.after_den, r.after_max),
            session_id: r.session_id,
            session_code: r.session_code,
            attempt_id: r.attempt_id,
            candidate_number: r.candidate_number,
            full_name: r.full_name,
            after_approval: r.after_approval != 0,
        })
        .collect();
    changes.sort_by_key(|c| c.flip().is_none());
    Ok(changes)
}

/// An attempt the regrade could not score again, and why (for staff; the result stands).
#[derive(Clone, Debug, FromRow)]
pub struct SetAside {
    pub session_code: String,
    pub candidate_number: String,
    pub failure: String,
}

/// The attempts set aside, in the sessions this staff member sees.
pub async fn set_aside(
    pool: &AnyPool,
    user: &SessionUser,
    regrade_id: &str,
) -> sqlx::Result<Vec<SetAside>> {
    let (scope, scope_id) = Scope::of(user).condition(2);
    sqlx::query_as(&format!(
        "SELECT s.code AS session_code, a.candidate_number, ra.failure
         FROM regrade_attempts ra
         JOIN attempts a ON a.id = ra.attempt_id
         JOIN exam_sessions s ON s.id = a.session_id
         WHERE ra.regrade_id = $1 AND ra.failure IS NOT NULL AND {scope}
         ORDER BY s.code, a.candidate_number"
    ))
    .bind(regrade_id)
    .bind(scope_id)
    .fetch_all(pool)
    .await
}

/// A regrade that touched a session: its id (the bank version's), reason and whether done.
#[derive(Clone, Debug, FromRow)]
pub struct Touching {
    pub id: String,
    pub reason: String,
    pub finished_at: Option<i64>,
}

/// The regrades that listed any attempt of the session, oldest first.
pub async fn touching(pool: &AnyPool, session_id: &str) -> sqlx::Result<Vec<Touching>> {
    sqlx::query_as(
        "SELECT g.id, g.reason, g.finished_at
         FROM regrades g
         WHERE g.id IN (SELECT ra.regrade_id FROM attempts a
                        JOIN regrade_attempts ra ON ra.attempt_id = a.id
                        WHERE a.session_id = $1)
         ORDER BY g.created_at",
    )
    .bind(session_id)
    .fetch_all(pool)
    .await
}
