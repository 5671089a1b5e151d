//! SQL for the draw's inputs: the newest version of each bank a blueprint names.

use std::{
    collections::HashMap,
    sync::{Arc, LazyLock, RwLock},
};

use anyhow::Context;
use sqlx::AnyPool;

use super::{draw::PoolItem, model::Blueprint, read::read_blueprint};
use crate::banks::store;

/// Blueprint versions already read. A version never changes, so what is parsed once holds for
/// the life of the process (question pages and saves then skip parsing TOML).
static VERSIONS: LazyLock<RwLock<HashMap<String, Arc<Blueprint>>>> =
    LazyLock::new(Default::default);

/// Pools already read, by the published bank versions they come from. A published bank
/// version never changes, so a room's starts read and parse its items once. A new version of
/// a bank makes a new pool; the `POOLS_KEPT` most used are kept.
static POOLS: LazyLock<quick_cache::sync::Cache<BankVersions, Arc<Vec<PoolItem>>>> =
    LazyLock::new(|| quick_cache::sync::Cache::new(POOLS_KEPT));
/// (bank code, bank version id) of each bank a pool is drawn from.
type BankVersions = Vec<(String, String)>;
const POOLS_KEPT: usize = 16;

/// A stored blueprint version, read.
pub async fn version_blueprint<'e, E>(executor: E, id: &str) -> anyhow::Result<Arc<Blueprint>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    if let Some(known) = VERSIONS.read().ok().and_then(|m| m.get(id).cloned()) {
        return Ok(known);
    }
    let source: String = sqlx::query_scalar("SELECT source FROM blueprint_versions WHERE id = $1")
        .bind(id)
        .fetch_optional(executor)
        .await?
        .with_context(|| format!("no blueprint version {id}"))?;
    let blueprint = Arc::new(
        read_blueprint("stored", &source)
            .0
            .context("the stored blueprint no longer reads")?,
    );
    if let Ok(mut map) = VERSIONS.write() {
        map.insert(id.to_string(), blueprint.clone());
    }
    Ok(blueprint)
}

/// The newest version of each bank the blueprint names (bank code, bank version id), from the
/// organisation's banks or, for a centre, also its department's.
pub async fn bank_versions_for(
    pool: &AnyPool,
    organisation_id: &str,
    department_id: &str,
    blueprint: &Blueprint,
) -> anyhow::Result<Vec<(String, String)>> {
    let codes: Vec<&str> = blueprint
        .sections()
        .flat_map(|(_, s)| s.banks.iter().map(String::as_str))
        .collect();
    bank_versions_of(pool, organisation_id, department_id, codes).await
}

/// The newest version of each named bank the organisation (or its department) has.
pub async fn bank_versions_of(
    pool: &AnyPool,
    organisation_id: &str,
    department_id: &str,
    mut codes: Vec<&str>,
) -> anyhow::Result<Vec<(String, String)>> {
    codes.sort_unstable();
    codes.dedup();
    let mut found = Vec::new();
    for code in codes {
        let bank = match store::bank_by_code(pool, organisation_id, code).await? {
            Some(bank) => Some(bank),
            None => store::bank_by_code(pool, department_id, code).await?,
        };
        let Some(bank) = bank else { continue };
        if let Some(latest) = store::versions(pool, &bank.id).await?.into_iter().next() {
            found.push((bank.code, latest.id));
        }
    }
    Ok(found)
}

/// The items of the given bank versions: the pool a draw uses.
pub async fn pool_of_versions(
    pool: &AnyPool,
    versions: &[(String, String)],
) -> anyhow::Result<Vec<PoolItem>> {
    let mut items = Vec::new();
    for (code, version_id) in versions {
        for row in store::version_items(pool, version_id).await? {
            let item = row.item()?;
            items.push(PoolItem {
                version_id: row.id,
                item_id: row.item_id,
                bank: code.clone(),
                item,
            });
        }
    }
    Ok(items)
}

/// `pool_of_versions` of published bank versions (as `bank_versions_for` gives them), read
/// once per process.
pub async fn published_pool(
    pool: &AnyPool,
    versions: &[(String, String)],
) -> anyhow::Result<Arc<Vec<PoolItem>>> {
    POOLS
        .get_or_insert_async(versions, async {
            Ok(Arc::new(pool_of_versions(pool, versions).await?))
        })
        .await
}

/// The newest items of the banks the blueprint names.
pub async fn pool_for(
    pool: &AnyPool,
    organisation_id: &str,
    department_id: &str,
    blueprint: &Blueprint,
) -> anyhow::Result<Vec<PoolItem>> {
    let versions = bank_versions_for(pool, organisation_id, department_id, blueprint).await?;
    pool_of_versions(pool, &versions).await
}

/// A blueprint as listed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BlueprintRow {
    pub id: String,
    pub organisation_id: String,
    pub organisation_name: String,
    pub code: String,
    pub title: String,
    pub versions: i64,
}

const COLUMNS: &str = "b.id, b.organisation_id, o.name AS organisation_name, b.code, b.title,
    (SELECT COUNT(*) FROM blueprint_versions v WHERE v.blueprint_id = b.id) AS versions
    FROM blueprints b JOIN organisations o ON o.id = b.organisation_id";

/// Blueprints of a department, or of one organisation of it.
pub async fn blueprints_of(
    pool: &AnyPool,
    department_id: &str,
    organisation_id: Option<&str>,
) -> sqlx::Result<Vec<BlueprintRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} WHERE COALESCE(o.department_id, o.id) = $1 AND ($2 = '' OR b.organisation_id = $2) ORDER BY b.code"
    ))
    .bind(department_id)
    .bind(organisation_id.unwrap_or(""))
    .fetch_all(pool)
    .await
}

pub async fn blueprint(pool: &AnyPool, id: &str) -> sqlx::Result<Option<BlueprintRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} WHERE b.id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// A stored version: the blueprint's TOML text as written.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VersionRow {
    pub id: String,
    pub number: i64,
    pub source: String,
    pub content_hash: String,
    pub created_at: i64,
}

pub async fn versions(pool: &AnyPool, blueprint_id: &str) -> sqlx::Result<Vec<VersionRow>> {
    sqlx::query_as(
        "SELECT id, number, source, content_hash, created_at FROM blueprint_versions WHERE blueprint_id = $1 ORDER BY number DESC",
    )
    .bind(blueprint_id)
    .fetch_all(pool)
    .await
}

/// What saving a blueprint did.
#[derive(Debug, PartialEq, Eq)]
pub enum Saved {
    /// A new version with this number.
    Version { blueprint_id: String, number: i64 },
    /// The text is the same as the newest version.
    Unchanged { blueprint_id: String },
}

/// Stores the text as a new version of the organisation's blueprint with this code (created on
/// first save), unless it equals the newest version. One transaction, audited.
pub async fn save(
    db: &crate::db::Db,
    organisation_id: &str,
    code: &str,
    title: &str,
    source: &str,
    actor: Option<&str>,
) -> sqlx::Result<Saved> {
    use sha2::{Digest, Sha256};
    let hash: String = Sha256::digest(source.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut tx = db.begin_write().await?;
    // New versions of one blueprint take turns, so version numbers never collide.
    crate::db::serialize_on(&mut tx, &format!("blueprint:{organisation_id}:{code}")).await?;
    let existing: Option<String> =
        sqlx::query_scalar("SELECT id FROM blueprints WHERE organisation_id = $1 AND code = $2")
            .bind(organisation_id)
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?;
    let now = crate::clock::now_ms();
    let blueprint_id = match existing {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::new_v4().to_string();
            sqlx::query("INSERT INTO blueprints (id, organisation_id, code, title, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&id)
                .bind(organisation_id)
                .bind(code)
                .bind(title)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            id
        }
    };
    let latest: Option<(i64, String)> = sqlx::query_as(
        "SELECT number, content_hash FROM blueprint_versions WHERE blueprint_id = $1 ORDER BY number DESC LIMIT 1",
    )
    .bind(&blueprint_id)
    .fetch_optional(&mut *tx)
    .await?;
    if latest.as_ref().is_some_and(|(_, h)| *h == hash) {
        return Ok(Saved::Unchanged { blueprint_id });
    }
    let number = latest.map_or(1, |(n, _)| n + 1);
    let version_id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO blueprint_versions (id, blueprint_id, number, source, content_hash, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&version_id)
    .bind(&blueprint_id)
    .bind(number)
    .bind(source)
    .bind(&hash)
    .bind(actor)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE blueprints SET title = $1 WHERE id = $2")
        .bind(title)
        .bind(&blueprint_id)
        .execute(&mut *tx)
        .await?;
    let entry = crate::audit::AuditEntry {
        actor,
        action: "blueprints.save",
        subject_id: &version_id,
        detail: format!("{code} v{number}"),
    };
    crate::audit::record(&mut tx, entry).await?;
    tx.commit().await?;
    Ok(Saved::Version {
        blueprint_id,
        number,
    })
}
