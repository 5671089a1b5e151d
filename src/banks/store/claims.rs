//! SQL for an import's claim on a bank (`bank_imports`): taking, renewing and ending it, and
//! the sweep that deletes what an abandoned import staged.

use sqlx::{AnyConnection, AnyPool, FromRow};

use crate::clock;

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
