//! Keeping the ledger in step with results: an approved passing attempt earns its blueprint's
//! modules, a result that stops passing revokes them, and after every change the person's
//! certificates are issued, revoked or replaced as the rules say. Everything runs in the
//! caller's write transaction, so a ledger change commits with the result that caused it.

use sqlx::{AnyConnection, FromRow};

use super::{
    issue,
    model::{self, Held},
    store::{self, Change, NewEntry},
};
use crate::{banks::catalog::catalog, blueprints, clock, db, grading, grading::model::Outcome};

#[derive(FromRow)]
struct AttemptFacts {
    person_id: String,
    session_id: String,
    organisation_id: String,
    blueprint_version_id: String,
    starts_at: i64,
    approved: i64,
}

/// Brings one attempt's entries in line with its current result: once its session is
/// approved, a pass earns one entry per module its blueprint certifies (unless they were
/// revoked for misconduct); a result that no longer passes revokes them (for `change`).
/// Returns whether the ledger changed.
pub async fn follow_attempt(
    conn: &mut AnyConnection,
    attempt_id: &str,
    change: Change<'_>,
) -> anyhow::Result<bool> {
    let Some(facts): Option<AttemptFacts> = sqlx::query_as(
        "SELECT a.person_id, a.session_id, s.organisation_id, s.blueprint_version_id,
                s.starts_at,
                CASE WHEN EXISTS (SELECT 1 FROM result_approvals ra
                                  WHERE ra.session_id = a.session_id) THEN 1 ELSE 0 END
                    AS approved
         FROM attempts a JOIN exam_sessions s ON s.id = a.session_id
         WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(false);
    };
    if facts.approved == 0 {
        return Ok(false);
    }
    db::serialize_on(conn, &format!("credits:{}", facts.person_id)).await?;
    let passes = grading::store::current(&mut *conn, attempt_id)
        .await?
        .and_then(|r| r.outcome())
        == Some(Outcome::Pass);
    let standing: Vec<(String, String)> = sqlx::query_as(&format!(
        "SELECT e.id, e.module FROM credit_entries e
         WHERE e.attempt_id = $1 AND e.kind = 'earned' AND {}",
        store::STANDING
    ))
    .bind(attempt_id)
    .fetch_all(&mut *conn)
    .await?;
    // A module revoked for misconduct stays revoked whatever the result does later.
    let barred: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM credit_entries r JOIN credit_entries e ON e.id = r.revokes_id
         WHERE e.attempt_id = $1 AND r.cause = 'misconduct' LIMIT 1",
    )
    .bind(attempt_id)
    .fetch_optional(&mut *conn)
    .await?;
    let changed = if passes && standing.is_empty() && barred.is_none() {
        let blueprint =
            blueprints::store::version_blueprint(&mut *conn, &facts.blueprint_version_id).await?;
        let earned_on = clock::local_date(facts.starts_at).iso();
        let mut any = false;
        for module in blueprint.modules.iter().filter_map(|m| catalog().module(m)) {
            store::append(
                conn,
                NewEntry {
                    person_id: &facts.person_id,
                    kind: "earned",
                    module: Some(&module.code),
                    credits: module.credits,
                    earned_on: &earned_on,
                    attempt_id: Some(attempt_id),
                    session_id: Some(&facts.session_id),
                    organisation_id: Some(&facts.organisation_id),
                    earlier_id: None,
                    revokes_id: None,
                    change: None,
                    recorded_by: change.by,
                },
            )
            .await?;
            any = true;
        }
        any
    } else if !passes && !standing.is_empty() {
        revoke_entries(conn, &facts.person_id, &standing, change).await?;
        true
    } else {
        false
    };
    if changed {
        settle(conn, &facts.person_id, change).await?;
    }
    Ok(changed)
}

/// Credits the passes of sessions approved before the ledger existed (an upgrade): each
/// attempt of an approved session with no ledger entry at all is followed, in its own write
/// transaction, as its approver. Runs when the server or `sathach migrate` starts; returns how
/// many attempts earned entries. Safe to run again.
pub async fn credit_approved_before_ledger(db: &crate::db::Db) -> anyhow::Result<usize> {
    let waiting: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.id, ra.approved_by FROM attempts a
         JOIN result_approvals ra ON ra.session_id = a.session_id
         WHERE NOT EXISTS (SELECT 1 FROM credit_entries e WHERE e.attempt_id = a.id)
           AND (SELECT r.outcome FROM results r WHERE r.attempt_id = a.id
                ORDER BY r.seq DESC LIMIT 1) = 'pass'
         ORDER BY a.id",
    )
    .fetch_all(&db.read)
    .await?;
    let mut credited = 0;
    for (attempt_id, approver) in &waiting {
        let mut tx = db.begin_write().await?;
        let upgrading = Change {
            cause: store::Cause::Correction,
            reason: "kết quả đã phê duyệt trước khi có sổ tín chỉ",
            by: Some(approver),
        };
        if follow_attempt(&mut tx, attempt_id, upgrading).await? {
            credited += 1;
        }
        tx.commit().await?;
    }
    Ok(credited)
}

/// Appends a revocation for each of the entries (id, module), for `change`.
pub async fn revoke_entries(
    conn: &mut AnyConnection,
    person_id: &str,
    entries: &[(String, String)],
    change: Change<'_>,
) -> anyhow::Result<()> {
    let today = clock::local_date(clock::now_ms()).iso();
    for (id, module) in entries {
        store::append(
            conn,
            NewEntry {
                person_id,
                kind: "revoked",
                module: Some(module.as_str()).filter(|m| !m.is_empty()),
                credits: 0,
                earned_on: &today,
                attempt_id: None,
                session_id: None,
                organisation_id: None,
                earlier_id: None,
                revokes_id: Some(id),
                change: Some(change),
                recorded_by: change.by,
            },
        )
        .await?;
    }
    Ok(())
}

/// Reads the person's record against the catalog and issues, revokes or replaces their
/// certificates to match. Serialised per person, so two approvals at once issue once.
pub async fn settle(
    conn: &mut AnyConnection,
    person_id: &str,
    change: Change<'_>,
) -> anyhow::Result<model::Plan> {
    db::serialize_on(conn, &format!("credits:{person_id}")).await?;
    let entries = store::standing_entries(conn, person_id).await?;
    let earlier = store::standing_earlier(conn, person_id).await?;
    let standing = model::standing(catalog(), &entries, &earlier);
    let held: Vec<Held> = store::held(conn, person_id).await?;
    let plan = model::reconcile(catalog(), &standing, &held);
    for id in &plan.revoke {
        store::end_certificate(conn, id, change, None).await?;
    }
    for (old, met) in &plan.replace {
        let new = issue::issue(conn, person_id, met, change.by).await?;
        let replacing = Change {
            reason: "cấp lại: danh sách mô đun đã thay đổi",
            ..change
        };
        store::end_certificate(conn, old, replacing, Some(&new)).await?;
    }
    for met in &plan.issue {
        issue::issue(conn, person_id, met, change.by).await?;
    }
    Ok(plan)
}
