//! SQL for the rows an import stages (tagged with its claim's id, invisible to every reader)
//! and the publication that makes its bank version current.

use sqlx::AnyConnection;

use crate::{banks::model::Item, clock};

/// New item rows (identity only), staged by `import_id`.
pub async fn insert_items(
    conn: &mut AnyConnection,
    bank_id: &str,
    items: &[(String, String)],
    import_id: &str,
) -> sqlx::Result<()> {
    let now = clock::now_ms();
    for chunk in items.chunks(500) {
        let sql = format!(
            "INSERT INTO items (id, bank_id, native_id, created_at, import_id) VALUES {}",
            crate::db::values_list(chunk.len(), 5)
        );
        let mut query = sqlx::query(&sql);
        for (id, native_id) in chunk {
            query = query
                .bind(id)
                .bind(bank_id)
                .bind(native_id)
                .bind(now)
                .bind(import_id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A new, immutable item version.
pub struct NewItemVersion {
    pub id: String,
    pub item_id: String,
    pub number: i64,
    pub item: Item,
    pub key_correction: bool,
    pub reason: Option<String>,
}

/// New item versions, staged by `import_id`.
pub async fn insert_item_versions(
    conn: &mut AnyConnection,
    versions: &[NewItemVersion],
    import_id: &str,
) -> sqlx::Result<()> {
    let now = clock::now_ms();
    for chunk in versions.chunks(200) {
        let sql = format!(
            "INSERT INTO item_versions (id, item_id, number, content_hash, presentation_hash, kind, topic, difficulty,
             points, body, key_correction, reason, created_at, import_id) VALUES {}",
            crate::db::values_list(chunk.len(), 14)
        );
        let mut query = sqlx::query(&sql);
        for v in chunk {
            query = query
                .bind(&v.id)
                .bind(&v.item_id)
                .bind(v.number)
                .bind(v.item.content_hash())
                .bind(v.item.presentation_hash())
                .bind(v.item.body.kind().as_str())
                .bind(&v.item.topic)
                .bind(v.item.difficulty.code())
                .bind(i64::from(v.item.points))
                .bind(serde_json::to_string(&v.item).expect("items serialise"))
                .bind(i64::from(v.key_correction))
                .bind(&v.reason)
                .bind(now)
                .bind(import_id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

pub struct NewBankVersion<'a> {
    pub bank_id: &'a str,
    pub number: i64,
    pub title: &'a str,
    pub source_name: &'a str,
    pub source_format: &'a str,
    pub imported_by: Option<&'a str>,
    pub item_count: usize,
}

/// A bank version staged by `import_id`: invisible until [`publish_version`].
pub async fn insert_staged_version(
    conn: &mut AnyConnection,
    v: NewBankVersion<'_>,
    import_id: &str,
) -> sqlx::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO bank_versions (id, bank_id, number, title, source_name, source_format, item_count, imported_by, imported_at, import_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(v.bank_id)
    .bind(v.number)
    .bind(v.title)
    .bind(v.source_name)
    .bind(v.source_format)
    .bind(v.item_count as i64)
    .bind(v.imported_by)
    .bind(clock::now_ms())
    .bind(import_id)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Item versions of a bank version, at positions from `first_position` on.
pub async fn insert_version_items(
    conn: &mut AnyConnection,
    bank_version_id: &str,
    first_position: usize,
    item_version_ids: &[String],
) -> sqlx::Result<()> {
    for (chunk_index, chunk) in item_version_ids.chunks(500).enumerate() {
        let sql = format!(
            "INSERT INTO bank_version_items (bank_version_id, item_version_id, position) VALUES {}",
            crate::db::values_list(chunk.len(), 3)
        );
        let mut query = sqlx::query(&sql);
        for (offset, item_version_id) in chunk.iter().enumerate() {
            query = query
                .bind(bank_version_id)
                .bind(item_version_id)
                .bind((first_position + chunk_index * 500 + offset) as i64);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Makes a staged version the bank's current one: a single-row update.
pub async fn publish_version(conn: &mut AnyConnection, bank_version_id: &str) -> sqlx::Result<()> {
    sqlx::query("UPDATE bank_versions SET import_id = NULL, imported_at = $1 WHERE id = $2")
        .bind(clock::now_ms())
        .bind(bank_version_id)
        .execute(conn)
        .await?;
    Ok(())
}
