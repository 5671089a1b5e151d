//! The nodes sharing one PostgreSQL database: who else has served it, noticing one that went
//! down, and what a node must share with them before it serves. Every node signs cookies, CSRF tokens, option tokens and
//! access codes with the server key, and credentials with the organisations' signing keys; a
//! node holding other keys would refuse every form and code the others gave out. So once
//! another node has served the database, a node starts only with the server key from its
//! configuration (`server_key`, the same on every node) and every current signing key
//! readable in its `signing_keys_dir` (a folder the nodes share, or copies).

use anyhow::bail;

use crate::{
    attempts::{liveness::Node, restart::ALIVE_WITHIN_MS},
    audit::{self, AuditEntry},
    clock,
    db::{Backend, Db},
    keys::{self, SignError},
};

/// A node silent longer than this before anyone watched is old news, not noticed as down.
const NEWS_WITHIN_MS: i64 = 10 * 60_000;
/// Heartbeats of earlier instances (a node's earlier starts) are kept this long.
const KEPT_MS: i64 = 30 * 24 * 3_600_000;

/// A node noticed as down: its name and when it last beat.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Down {
    pub node_name: String,
    pub seen_at: i64,
}

/// Notices the other nodes that stopped beating without saying they stop (killed, their
/// machine or network gone): each is claimed by exactly one watching node, which logs it and
/// records it in the audit log. Their candidates go on through the nodes still up, by the
/// balancer. Only a node's newest instance counts: an earlier one was followed by a restart.
/// Returns those this node noticed.
pub async fn notice_down(db: &Db, me: &Node, now: i64) -> anyhow::Result<Vec<Down>> {
    let mut tx = db.begin_write().await?;
    let down: Vec<Down> = sqlx::query_as(
        "UPDATE node_heartbeats SET down_noticed_at = $1, down_noticed_by = $2
         WHERE node_name <> $3 AND stopped_at IS NULL AND down_noticed_at IS NULL
           AND seen_at < $4 AND seen_at >= $5
           AND NOT EXISTS (SELECT 1 FROM node_heartbeats later
                           WHERE later.node_name = node_heartbeats.node_name
                             AND later.seen_at > node_heartbeats.seen_at)
         RETURNING node_name, seen_at",
    )
    .bind(now)
    .bind(&me.name)
    .bind(&me.name)
    .bind(now - ALIVE_WITHIN_MS)
    .bind(now - NEWS_WITHIN_MS)
    .fetch_all(&mut *tx)
    .await?;
    for node in &down {
        let silent = clock::format_local_full(node.seen_at);
        audit::record(
            &mut tx,
            AuditEntry {
                actor: None,
                action: "node.down",
                subject_id: &node.node_name,
                detail: format!("last heartbeat {silent}, noticed by {}", me.name),
            },
        )
        .await?;
    }
    tx.commit().await?;
    for node in &down {
        tracing::warn!(
            node.down = %node.node_name,
            node.last_seen = node.seen_at,
            "a node stopped beating without stopping: its candidates continue on the other nodes"
        );
    }
    Ok(down)
}

/// Deletes the heartbeats of earlier instances older than 30 days (a node's newest one stays,
/// so its name stays known). Returns how many.
pub async fn prune(db: &Db, now: i64) -> sqlx::Result<u64> {
    let mut tx = db.begin_write().await?;
    let pruned = sqlx::query(
        "DELETE FROM node_heartbeats WHERE seen_at < $1
           AND EXISTS (SELECT 1 FROM node_heartbeats later
                       WHERE later.node_name = node_heartbeats.node_name
                         AND later.seen_at > node_heartbeats.seen_at)",
    )
    .bind(now - KEPT_MS)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(pruned)
}

/// Records that this node stops on purpose (it is then not noticed as down).
pub async fn mark_stopped(db: &Db, me: &Node, now: i64) -> sqlx::Result<()> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE node_heartbeats SET stopped_at = $1 WHERE node_id = $2")
        .bind(now)
        .bind(&me.instance)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// The names of the other nodes that have served this database (their heartbeats).
pub async fn others(db: &Db, me: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT DISTINCT node_name FROM node_heartbeats WHERE node_name <> $1 ORDER BY node_name",
    )
    .bind(me)
    .fetch_all(&db.read)
    .await
}

/// Refuses to start a node that does not share the keys of the other nodes of its database
/// (PostgreSQL; on SQLite there is one node per database).
pub async fn check_shared_keys(db: &Db, me: &str) -> anyhow::Result<()> {
    if db.backend == Backend::Sqlite {
        return Ok(());
    }
    let others = others(db, me).await?;
    if others.is_empty() {
        return Ok(());
    }
    let named = others.join(", ");
    if db.keys.configured.is_none() {
        bail!(
            "other nodes ({named}) serve this database: set server_key in this node's \
             configuration (SATHACH_SERVER_KEY), the same on every node (the value of server.key \
             in the data folder of the node that started first), instead of a key file of its own"
        );
    }
    let current: Vec<(String, String)> = sqlx::query_as(
        "SELECT o.id, o.code FROM signing_keys k JOIN organisations o ON o.id = k.organisation_id
         WHERE k.retired_at IS NULL ORDER BY o.code",
    )
    .fetch_all(&db.read)
    .await?;
    for (organisation_id, code) in current {
        match keys::signer(db, &organisation_id).await {
            Ok(_) | Err(SignError::NoKey(_)) => {}
            Err(e) => bail!(
                "other nodes ({named}) serve this database and sign {code}'s credentials, but this \
                 node cannot: {e}"
            ),
        }
    }
    Ok(())
}
