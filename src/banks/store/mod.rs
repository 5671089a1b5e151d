//! SQL for banks, bank versions, items and immutable item versions; pictures and pending
//! uploads are in `files`, an import's claim in `claims`, its staged rows and publication in
//! `staging`.

mod claims;
mod files;
mod staging;

pub use claims::*;
pub use files::{
    PendingImport, delete_pending, existing_media, insert_media, insert_pending, media, pending,
    prune_pending,
};
pub use staging::*;

use sqlx::{AnyConnection, AnyPool, FromRow};

use super::model::Item;
use crate::clock;

/// A bank as listed.
#[derive(Clone, Debug, FromRow)]
pub struct BankRow {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub code: String,
    pub title: String,
    pub module: String,
    pub language: String,
    pub versions: i64,
    pub items: i64,
}

/// Only published versions count (`import_id IS NULL`: an import still writing its version is
/// invisible, see `banks::import`), and a bank is listed only once it has one.
const BANK_COLUMNS: &str = "b.id, b.organisation_id, o.name AS organisation_name, b.code, b.title, b.module, b.language,
    (SELECT COUNT(*) FROM bank_versions v WHERE v.bank_id = b.id AND v.import_id IS NULL) AS versions,
    COALESCE((SELECT v.item_count FROM bank_versions v WHERE v.bank_id = b.id AND v.import_id IS NULL ORDER BY v.number DESC LIMIT 1), 0) AS items
    FROM banks b JOIN organisations o ON o.id = b.organisation_id";

/// A bank being created by its first import has no published version yet.
const PUBLISHED: &str =
    "EXISTS (SELECT 1 FROM bank_versions pv WHERE pv.bank_id = b.id AND pv.import_id IS NULL)";

/// Banks of the given organisations, by module and code.
pub async fn banks_of(
    pool: &AnyPool,
    department_id: &str,
    organisation_id: Option<&str>,
) -> sqlx::Result<Vec<BankRow>> {
    sqlx::query_as(&format!(
        "SELECT {BANK_COLUMNS} WHERE COALESCE(o.department_id, o.id) = $1 AND ($2 = '' OR b.organisation_id = $2)
         AND {PUBLISHED} ORDER BY b.module, b.code"
    ))
    .bind(department_id)
    .bind(organisation_id.unwrap_or(""))
    .fetch_all(pool)
    .await
}

pub async fn bank(pool: &AnyPool, id: &str) -> sqlx::Result<Option<BankRow>> {
    sqlx::query_as(&format!(
        "SELECT {BANK_COLUMNS} WHERE b.id = $1 AND {PUBLISHED}"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}

pub async fn bank_by_code<'e>(
    executor: impl sqlx::Executor<'e, Database = sqlx::Any>,
    organisation_id: &str,
    code: &str,
) -> sqlx::Result<Option<BankRow>> {
    sqlx::query_as(&format!(
        "SELECT {BANK_COLUMNS} WHERE b.organisation_id = $1 AND b.code = $2 AND {PUBLISHED}"
    ))
    .bind(organisation_id)
    .bind(code)
    .fetch_optional(executor)
    .await
}

/// A version of a bank.
#[derive(Clone, Debug, FromRow)]
pub struct VersionRow {
    pub id: String,
    pub number: i64,
    pub title: String,
    pub source_name: String,
    pub item_count: i64,
    pub imported_at: i64,
    pub key_corrections: i64,
}

/// How many key corrections the bank version aliased `alias` published (those no earlier
/// version of the bank holds), as a scalar subquery.
pub fn key_corrections_published(alias: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM bank_version_items bvi JOIN item_versions iv ON iv.id = bvi.item_version_id
          WHERE bvi.bank_version_id = {alias}.id AND iv.key_correction = 1
            AND NOT EXISTS (SELECT 1 FROM bank_version_items p
                            JOIN bank_versions pv ON pv.id = p.bank_version_id
                            WHERE pv.bank_id = {alias}.bank_id AND pv.number < {alias}.number
                              AND p.item_version_id = iv.id))"
    )
}

pub async fn versions(pool: &AnyPool, bank_id: &str) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as(&format!(
        "SELECT v.id, v.number, v.title, v.source_name, v.item_count, v.imported_at,
                {} AS key_corrections
         FROM bank_versions v WHERE v.bank_id = $1 AND v.import_id IS NULL ORDER BY v.number DESC",
        key_corrections_published("v")
    ))
    .bind(bank_id)
    .fetch_all(pool)
    .await
}

/// An item version as stored.
#[derive(Clone, Debug, FromRow)]
pub struct ItemVersionRow {
    pub id: String,
    pub item_id: String,
    pub native_id: String,
    pub number: i64,
    pub content_hash: String,
    pub presentation_hash: String,
    pub body: String,
    pub key_correction: i64,
}

impl ItemVersionRow {
    pub fn item(&self) -> Result<Item, serde_json::Error> {
        serde_json::from_str(&self.body)
    }
}

const VERSION_COLUMNS: &str = "iv.id, iv.item_id, i.native_id, iv.number, iv.content_hash, iv.presentation_hash, iv.body, iv.key_correction";

/// The items of a bank version, in file order.
pub async fn version_items(
    pool: &AnyPool,
    bank_version_id: &str,
) -> sqlx::Result<Vec<ItemVersionRow>> {
    sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM bank_version_items bvi
         JOIN item_versions iv ON iv.id = bvi.item_version_id JOIN items i ON i.id = iv.item_id
         WHERE bvi.bank_version_id = $1 ORDER BY bvi.position"
    ))
    .bind(bank_version_id)
    .fetch_all(pool)
    .await
}

/// The items of the newest published version of each of an organisation's banks but one, with
/// their bank's code, in bank and file order: what a bank's page compares its stems with.
pub async fn newest_items_of_other_banks(
    pool: &AnyPool,
    organisation_id: &str,
    except_bank: &str,
) -> sqlx::Result<Vec<(String, ItemVersionRow)>> {
    #[derive(FromRow)]
    struct Row {
        code: String,
        #[sqlx(flatten)]
        version: ItemVersionRow,
    }
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT b.code, {VERSION_COLUMNS} FROM banks b
         JOIN bank_versions bv ON bv.bank_id = b.id AND bv.import_id IS NULL
          AND bv.number = (SELECT MAX(x.number) FROM bank_versions x
                           WHERE x.bank_id = b.id AND x.import_id IS NULL)
         JOIN bank_version_items bvi ON bvi.bank_version_id = bv.id
         JOIN item_versions iv ON iv.id = bvi.item_version_id JOIN items i ON i.id = iv.item_id
         WHERE b.organisation_id = $1 AND b.id <> $2 ORDER BY b.code, bvi.position"
    ))
    .bind(organisation_id)
    .bind(except_bank)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.code, r.version)).collect())
}

pub async fn item_version(
    pool: &AnyPool,
    id: &str,
) -> sqlx::Result<Option<(ItemVersionRow, String)>> {
    #[derive(FromRow)]
    struct Row {
        #[sqlx(flatten)]
        version: ItemVersionRow,
        bank_id: String,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS}, i.bank_id FROM item_versions iv JOIN items i ON i.id = iv.item_id WHERE iv.id = $1"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| (r.version, r.bank_id)))
}

/// The newest version of every item a bank has ever had. Only its importer calls this, while it
/// holds the bank's claim, after abandoned imports of the bank were swept: every row is
/// published then.
pub async fn latest_item_versions(
    pool: &AnyPool,
    bank_id: &str,
) -> sqlx::Result<Vec<ItemVersionRow>> {
    sqlx::query_as(&format!(
        "SELECT {VERSION_COLUMNS} FROM item_versions iv JOIN items i ON i.id = iv.item_id
         WHERE i.bank_id = $1 AND iv.number = (SELECT MAX(x.number) FROM item_versions x WHERE x.item_id = iv.item_id)"
    ))
    .bind(bank_id)
    .fetch_all(pool)
    .await
}

/// The item-version ids of a bank's newest published version, in order, and its title.
pub async fn latest_version_contents(
    pool: &AnyPool,
    bank_id: &str,
) -> sqlx::Result<Option<(i64, String, Vec<String>)>> {
    let latest: Option<(String, i64, String)> =
        sqlx::query_as("SELECT id, number, title FROM bank_versions WHERE bank_id = $1 AND import_id IS NULL ORDER BY number DESC LIMIT 1")
            .bind(bank_id)
            .fetch_optional(pool)
            .await?;
    let Some((id, number, title)) = latest else {
        return Ok(None);
    };
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT item_version_id FROM bank_version_items WHERE bank_version_id = $1 ORDER BY position")
            .bind(id)
            .fetch_all(pool)
            .await?;
    Ok(Some((number, title, ids)))
}

pub struct NewBank<'a> {
    pub organisation_id: &'a str,
    pub code: &'a str,
    pub title: &'a str,
    pub module: &'a str,
    pub language: &'a str,
}

pub async fn insert_bank(conn: &mut AnyConnection, bank: NewBank<'_>) -> sqlx::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO banks (id, organisation_id, code, title, module, language, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(bank.organisation_id)
    .bind(bank.code)
    .bind(bank.title)
    .bind(bank.module)
    .bind(bank.language)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(id)
}

pub async fn set_bank_title(
    conn: &mut AnyConnection,
    bank_id: &str,
    title: &str,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE banks SET title = $1 WHERE id = $2")
        .bind(title)
        .bind(bank_id)
        .execute(conn)
        .await?;
    Ok(())
}
