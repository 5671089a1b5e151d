//! SQL for pictures (stored once by content hash) and uploads awaiting confirmation.

use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::{banks::MediaFile, clock};

/// Stores pictures by content; the same picture in two banks is stored once.
pub async fn insert_media(conn: &mut AnyConnection, media: &[&MediaFile]) -> sqlx::Result<()> {
    for file in media {
        sqlx::query("INSERT INTO media (sha256, mime, bytes, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING")
            .bind(&file.sha256)
            .bind(file.mime)
            .bind(file.bytes.clone())
            .bind(clock::now_ms())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Which of these pictures are stored already (a re-import sends none of their bytes again).
pub async fn existing_media(
    pool: &AnyPool,
    hashes: &[&str],
) -> sqlx::Result<std::collections::HashSet<String>> {
    let mut found = std::collections::HashSet::new();
    for chunk in hashes.chunks(100) {
        let list = crate::db::placeholders(chunk.len());
        let sql = format!("SELECT sha256 FROM media WHERE sha256 IN ({list})");
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for hash in chunk {
            query = query.bind(*hash);
        }
        found.extend(query.fetch_all(pool).await?);
    }
    Ok(found)
}

/// A bank picture by its digest. A scan of an earlier certificate is stored in the same table
/// but is no picture of a bank: it is served only through the person's credit record.
pub async fn media(pool: &AnyPool, sha256: &str) -> sqlx::Result<Option<(String, Vec<u8>)>> {
    sqlx::query_as(
        "SELECT m.mime, m.bytes FROM media m WHERE m.sha256 = $1
         AND NOT EXISTS (SELECT 1 FROM earlier_certificates ec WHERE ec.scan_sha256 = m.sha256)",
    )
    .bind(sha256)
    .fetch_optional(pool)
    .await
}

/// An upload kept between the report and the manager's confirmation.
#[derive(FromRow)]
pub struct PendingImport {
    pub id: String,
    pub organisation_id: String,
    pub user_id: String,
    pub file_name: String,
    /// The check's result (`checker::BankCheck` as JSON), imported as it is on confirmation.
    pub checked: Vec<u8>,
}

pub async fn insert_pending(
    conn: &mut AnyConnection,
    organisation_id: &str,
    user_id: &str,
    file_name: &str,
    checked: Vec<u8>,
    read_options: &str,
) -> sqlx::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO pending_imports (id, organisation_id, user_id, file_name, checked, created_at, read_options) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(organisation_id)
    .bind(user_id)
    .bind(file_name)
    .bind(checked)
    .bind(clock::now_ms())
    .bind(read_options)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Forgets uploads nobody confirmed within a day.
pub async fn prune_pending(conn: &mut AnyConnection) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM pending_imports WHERE created_at < $1")
        .bind(clock::now_ms() - 86_400_000)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn pending(pool: &AnyPool, id: &str) -> sqlx::Result<Option<PendingImport>> {
    sqlx::query_as("SELECT id, organisation_id, user_id, file_name, checked FROM pending_imports WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn delete_pending(conn: &mut AnyConnection, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM pending_imports WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
