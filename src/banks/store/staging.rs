//! SQL for an import's writes: the claim on a bank, the rows an import stages (tagged with its
//! claim's id, invisible to every reader), the publication that makes its version current, and
//! the sweep that deletes what an abandoned import left.

use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::{banks::model::Item, clock};

/// An import's claim on a bank (`bank_imports`): while it exists, its rows are staged.
#[derive(Clone, Debug, FromRow)]
pub struct ClaimRow {
    pub id: String,
    pub bank_id: String,
    pub owner: String,
    pub touched_at: i64,
}

const CLAIM_COLUMNS: &str = "id, bank_id, owner, touched_at";

/// The bank an import goes to, published or not: (id, module).
pub async fn bank_for_import(
    conn: &mut AnyConnection,
    organisation_id: &str,
    code: &str,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as("SELECT id, module FROM banks WHERE organisation_id = $1 AND code = $2")
        .bind(organisation_id)
        .bind(code)
        .fetch_optional(conn)
        .await
}

pub async fn claim_on(conn: &mut AnyConnection, bank_id: &str) -> sqlx::Result<Option<ClaimRow>> {
    sqlx::query_as(&format!(
        "SELECT {CLAIM_COLUMNS} FROM bank_imports WHERE bank_id = $1"
    ))
    .bind(bank_id)
    .fetch_optional(conn)
    .await
}

/// Every unpublished import, for the sweep.
pub async fn claims(pool: &AnyPool) -> sqlx::Result<Vec<ClaimRow>> {
    sqlx::query_as(&format!("SELECT {CLAIM_COLUMNS} FROM bank_imports"))
        .fetch_all(pool)
        .await
}

/// The newest published version's number (0 when none).
pub async fn published_number(conn: &mut AnyConnection, bank_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COALESCE(MAX(number), 0) FROM bank_versions WHERE bank_id = $1 AND import_id IS NULL",
    )
    .bind(bank_id)
    .fetch_one(conn)
    .await
}

pub async fn insert_claim(
    conn: &mut AnyConnection,
    id: &str,
    bank_id: &str,
    owner: &str,
    base_number: i64,
) -> sqlx::Result<()> {
    let now = clock::now_ms();
    sqlx::query(
        "INSERT INTO bank_imports (id, bank_id, owner, base_number, started_at, touched_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(id)
    .bind(bank_id)
    .bind(owner)
    .bind(base_number)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Renews the claim in the caller's transaction; false when it is no longer this owner's (a
/// sweep took it over), and then the caller must write nothing.
pub async fn touch_claim(conn: &mut AnyConnection, id: &str, owner: &str) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE bank_imports SET touched_at = $1 WHERE id = $2 AND owner = $3")
        .bind(clock::now_ms())
        .bind(id)
        .bind(owner)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a claim abandoned, unless it changed since it was judged so; from then on its owner's
/// batches are refused (see [`touch_claim`]) and only the sweep touches its rows.
pub async fn take_over(conn: &mut AnyConnection, claim: &ClaimRow) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE bank_imports SET owner = 'abandoned' WHERE id = $1 AND owner = $2 AND touched_at = $3",
    )
    .bind(&claim.id)
    .bind(&claim.owner)
    .bind(claim.touched_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes up to `limit` rows staged by an abandoned import, children first; 0 when none are
/// left. Staged rows are referenced only by each other, never by a published version.
pub async fn sweep_step(
    conn: &mut AnyConnection,
    import_id: &str,
    limit: i64,
) -> sqlx::Result<u64> {
    let steps = [
        "DELETE FROM bank_version_items WHERE bank_version_id IN (SELECT id FROM bank_versions WHERE import_id = $1)
         AND item_version_id IN (SELECT bvi.item_version_id FROM bank_version_items bvi
            JOIN bank_versions v ON v.id = bvi.bank_version_id WHERE v.import_id = $1 LIMIT $2)",
        "DELETE FROM bank_versions WHERE import_id = $1 AND id IN (SELECT id FROM bank_versions WHERE import_id = $1 LIMIT $2)",
        "DELETE FROM item_versions WHERE id IN (SELECT id FROM item_versions WHERE import_id = $1 LIMIT $2)",
        "DELETE FROM items WHERE id IN (SELECT id FROM items WHERE import_id = $1 LIMIT $2)",
    ];
    for sql in steps {
        let done = sqlx::query(sql)
            .bind(import_id)
            .bind(limit)
            .execute(&mut *conn)
            .await?;
        if done.rows_affected() > 0 {
            return Ok(done.rows_affected());
        }
    }
    Ok(0)
}

/// The scope that serialises imports of a bank (see `crate::db::serialize_on`).
pub async fn bank_scope(conn: &mut AnyConnection, bank_id: &str) -> sqlx::Result<Option<String>> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT organisation_id, code FROM banks WHERE id = $1")
            .bind(bank_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(organisation_id, code)| import_scope(&organisation_id, &code)))
}

pub fn import_scope(organisation_id: &str, code: &str) -> String {
    format!("bank:{organisation_id}:{code}")
}

/// Ends a claim; a bank its import was creating, left with no version, goes with it.
pub async fn end_claim(
    conn: &mut AnyConnection,
    claim_id: &str,
    bank_id: &str,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM bank_imports WHERE id = $1")
        .bind(claim_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "DELETE FROM banks WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM bank_versions WHERE bank_id = $1)
         AND NOT EXISTS (SELECT 1 FROM items WHERE bank_id = $1)
         AND NOT EXISTS (SELECT 1 FROM bank_imports WHERE bank_id = $1)",
    )
    .bind(bank_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

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
            values_list(chunk.len(), 5)
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

/// `($1, $2, …), (…)` for a multi-row insert: portable placeholders for SQLite and PostgreSQL.
fn values_list(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|r| {
            let row: Vec<String> = (1..=columns)
                .map(|c| format!("${}", r * columns + c))
                .collect();
            format!("({})", row.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
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
            values_list(chunk.len(), 14)
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
            values_list(chunk.len(), 3)
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

#[cfg(test)]
mod tests {
    #[test]
    fn values_lists_number_placeholders_across_rows() {
        assert_eq!(super::values_list(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }
}
