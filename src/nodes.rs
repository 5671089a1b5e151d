//! The nodes sharing one PostgreSQL database: who else has served it, and what a node must
//! share with them before it serves. Every node signs cookies, CSRF tokens, option tokens and
//! access codes with the server key, and credentials with the organisations' signing keys; a
//! node holding other keys would refuse every form and code the others gave out. So once
//! another node has served the database, a node starts only with the server key from its
//! configuration (`server_key`, the same on every node) and every current signing key
//! readable in its `signing_keys_dir` (a folder the nodes share, or copies).

use anyhow::bail;

use crate::{
    db::{Backend, Db},
    keys::{self, SignError},
};

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
