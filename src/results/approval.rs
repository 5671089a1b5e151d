//! Approving a session's results (phê duyệt kết quả): once the session is closed and every
//! part of every result is scored, its centre manager (or an admin) makes them final, once,
//! audited. A result written afterwards is marked as written after approval.

use sqlx::{AnyConnection, FromRow};

use crate::{
    audit::{self, AuditEntry},
    clock,
    credits::{
        ledger,
        store::{Cause, Change},
    },
};

/// Who approved a session's results, and when.
#[derive(Clone, Debug, PartialEq, Eq, FromRow)]
pub struct Approval {
    #[sqlx(rename = "approved_at")]
    pub at: i64,
    /// The staff member's user id.
    #[sqlx(rename = "approved_by")]
    pub by: String,
    #[sqlx(rename = "approved_by_name")]
    pub by_name: String,
}

/// Why results cannot be approved now.
#[derive(Debug, thiserror::Error)]
pub enum ApprovalRefusal {
    #[error("no such session")]
    NotFound,
    #[error("the session is not closed")]
    NotClosed,
    #[error("already approved")]
    AlreadyApproved,
    /// This many candidates still wait for a part scored outside sathach.
    #[error("{0} results wait for a practical score")]
    AwaitingScores(i64),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ApprovalRefusal {
    fn from(error: sqlx::Error) -> Self {
        ApprovalRefusal::Failed(error.into())
    }
}

impl ApprovalRefusal {
    /// The message-catalog key explaining the refusal.
    pub fn key(&self) -> &'static str {
        match self {
            ApprovalRefusal::NotFound => "result.approve_not_found",
            ApprovalRefusal::NotClosed => "result.approve_not_closed",
            ApprovalRefusal::AlreadyApproved => "result.approve_already",
            ApprovalRefusal::AwaitingScores(_) => "result.approve_awaiting",
            ApprovalRefusal::Failed(_) => "error.internal",
        }
    }
}

/// The session's approval, if its results were approved.
pub async fn approval<'e, E>(executor: E, session_id: &str) -> sqlx::Result<Option<Approval>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(
        "SELECT ra.approved_at, ra.approved_by, u.full_name AS approved_by_name
         FROM result_approvals ra JOIN users u ON u.id = ra.approved_by
         WHERE ra.session_id = $1",
    )
    .bind(session_id)
    .fetch_optional(executor)
    .await
}

/// Approves the session's results in the caller's write transaction, with its audit entry.
/// Refused before the session is closed, while a result waits for a part scored outside
/// sathach, and a second time.
pub async fn approve(
    conn: &mut AnyConnection,
    session_id: &str,
    user_id: &str,
) -> Result<Approval, ApprovalRefusal> {
    let closed: Option<Option<i64>> =
        sqlx::query_scalar("SELECT closed_at FROM exam_sessions WHERE id = $1")
            .bind(session_id)
            .fetch_optional(&mut *conn)
            .await?;
    match closed {
        None => return Err(ApprovalRefusal::NotFound),
        Some(None) => return Err(ApprovalRefusal::NotClosed),
        Some(Some(_)) => {}
    }
    if approval(&mut *conn, session_id).await?.is_some() {
        return Err(ApprovalRefusal::AlreadyApproved);
    }
    let (results, awaiting): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.outcome = 'pending' THEN 1 ELSE 0 END), 0)
         FROM results r JOIN attempts a ON a.id = r.attempt_id
         WHERE a.session_id = $1
           AND r.seq = (SELECT MAX(seq) FROM results WHERE attempt_id = r.attempt_id)
           AND r.outcome IS NOT NULL",
    )
    .bind(session_id)
    .fetch_one(&mut *conn)
    .await?;
    if awaiting > 0 {
        return Err(ApprovalRefusal::AwaitingScores(awaiting));
    }
    let at = clock::now_ms();
    sqlx::query(
        "INSERT INTO result_approvals (session_id, approved_by, approved_at) VALUES ($1, $2, $3)",
    )
    .bind(session_id)
    .bind(user_id)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    crate::analysis::queue::session_approved(conn, session_id).await?;
    let attempts: Vec<String> = sqlx::query_scalar(
        "SELECT a.id FROM attempts a WHERE a.session_id = $1
           AND EXISTS (SELECT 1 FROM results r WHERE r.attempt_id = a.id) ORDER BY a.id",
    )
    .bind(session_id)
    .fetch_all(&mut *conn)
    .await?;
    let approving = Change {
        cause: Cause::Correction,
        reason: "phê duyệt kết quả",
        by: Some(user_id),
    };
    let mut credited = 0;
    for attempt_id in &attempts {
        if ledger::follow_attempt(conn, attempt_id, approving).await? {
            credited += 1;
        }
    }
    audit::record(
        conn,
        AuditEntry {
            actor: Some(user_id),
            action: "results.approve",
            subject_id: session_id,
            detail: format!("{results} results approved, {credited} passes credited"),
        },
    )
    .await?;
    Ok(approval(&mut *conn, session_id)
        .await?
        .expect("the approval was just written"))
}
