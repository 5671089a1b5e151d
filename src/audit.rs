//! The audit trail: every change of state records who did what to which record, and when.

use sqlx::AnyConnection;

use crate::clock;

/// One entry: `actor` is the staff user (None for the terminal or the system).
pub struct AuditEntry<'a> {
    pub actor: Option<&'a str>,
    pub action: &'a str,
    pub subject_id: &'a str,
    pub detail: String,
}

/// Appends an entry inside the caller's transaction, so the change and its record commit together.
pub async fn record(conn: &mut AnyConnection, entry: AuditEntry<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (id, at, actor_user_id, action, subject_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(clock::now_ms())
    .bind(entry.actor)
    .bind(entry.action)
    .bind(entry.subject_id)
    .bind(entry.detail)
    .execute(conn)
    .await?;
    Ok(())
}
