//! SQL for the organisations' public signing keys.

use sqlx::AnyConnection;

use super::model::PublicKey;

const COLUMNS: &str = "kid, organisation_id, public_key, created_at, retired_at";

/// Every key of an organisation, current and retired, oldest first.
pub async fn published<'e, E>(executor: E, organisation_id: &str) -> sqlx::Result<Vec<PublicKey>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM signing_keys WHERE organisation_id = $1 ORDER BY created_at, kid"
    ))
    .bind(organisation_id)
    .fetch_all(executor)
    .await
}

/// How many keys (current or retired) an organisation has ever had.
pub async fn count(conn: &mut AnyConnection, organisation_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM signing_keys WHERE organisation_id = $1")
        .bind(organisation_id)
        .fetch_one(conn)
        .await
}

/// Records a new current key; the unique index on current keys refuses a second one.
pub async fn insert(conn: &mut AnyConnection, key: &PublicKey) -> sqlx::Result<()> {
    sqlx::query(&format!(
        "INSERT INTO signing_keys ({COLUMNS}) VALUES ($1, $2, $3, $4, NULL)"
    ))
    .bind(&key.kid)
    .bind(&key.organisation_id)
    .bind(&key.public_key)
    .bind(key.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Retires the organisation's current key, if any; returns its kid.
pub async fn retire_current(
    conn: &mut AnyConnection,
    organisation_id: &str,
    now: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar(
        "UPDATE signing_keys SET retired_at = $1
         WHERE organisation_id = $2 AND retired_at IS NULL RETURNING kid",
    )
    .bind(now)
    .bind(organisation_id)
    .fetch_optional(conn)
    .await
}

/// Organisations that have never had a key (id, code): those from before keys existed.
pub async fn without_keys(pool: &sqlx::AnyPool) -> sqlx::Result<Vec<(String, String)>> {
    sqlx::query_as(
        "SELECT id, code FROM organisations o
         WHERE NOT EXISTS (SELECT 1 FROM signing_keys k WHERE k.organisation_id = o.id)
         ORDER BY created_at, code",
    )
    .fetch_all(pool)
    .await
}
