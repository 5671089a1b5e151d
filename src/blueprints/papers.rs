//! Drawn papers, stored with everything the draw used: the blueprint version, the bank
//! versions of the pool, the exposure counts and exclusions at that moment, the seed and the
//! generator, and the form itself. A paper renders the same years later, and `redraw` runs the
//! draw again from the stored inputs to show an auditor it gives the same paper.

use std::collections::BTreeMap;

use anyhow::{Context, anyhow};
use sqlx::{AnyConnection, AnyPool, FromRow};

use super::{
    draw::{DrawInputs, Excluded, Exposure, Form, draw, draw_by},
    rng::{self, GENERATOR, Generator},
    store,
};
use crate::{clock, db::Db, orgs::model::Organisation};

/// A stored paper.
#[derive(Clone, Debug, FromRow)]
pub struct PaperRow {
    pub id: String,
    pub organisation_id: String,
    pub blueprint_version_id: String,
    pub sequence: i64,
    pub person_key: Option<String>,
    pub generator: String,
    pub seed: String,
    pub bank_versions: String,
    pub exposure: String,
    pub excluded: String,
    pub form: String,
}

impl PaperRow {
    pub fn form(&self) -> anyhow::Result<Form> {
        serde_json::from_str(&self.form).context("a stored paper is damaged")
    }
}

/// How often each item was drawn in the organisation's earlier papers: the counts kept by
/// `count_drawn` (the same numbers as counting the items of every paper the centre drew).
async fn exposure(conn: &mut AnyConnection, organisation_id: &str) -> sqlx::Result<Exposure> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT item_id, drawn FROM item_exposure WHERE organisation_id = $1")
            .bind(organisation_id)
            .fetch_all(conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, n)| (id, u32::try_from(n).unwrap_or(u32::MAX)))
        .collect())
}

/// Rows per multi-row statement: well under both engines' limits on bound values.
const ROWS_PER_STATEMENT: usize = 300;

/// Records a new paper's items: its `paper_items` rows and one more draw of each item in the
/// centre's exposure counts, a statement per few hundred items. Items go in id order, so two
/// transactions on PostgreSQL lock the same counters in the same order.
async fn count_drawn(
    conn: &mut AnyConnection,
    organisation_id: &str,
    paper_id: &str,
    form: &Form,
) -> sqlx::Result<()> {
    let mut ids: Vec<&str> = form.items().map(|i| i.item_id.as_str()).collect();
    ids.sort_unstable();
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO paper_items (paper_id, item_id) VALUES {}",
            crate::db::values_list(chunk.len(), 2)
        );
        let mut insert = sqlx::query(&sql);
        for id in chunk {
            insert = insert.bind(paper_id).bind(*id);
        }
        insert.execute(&mut *conn).await?;
        let sql = format!(
            "INSERT INTO item_exposure (organisation_id, item_id, drawn) VALUES {}
             ON CONFLICT (organisation_id, item_id) DO UPDATE SET drawn = item_exposure.drawn + 1",
            crate::db::values_list(chunk.len(), 3)
        );
        let mut count = sqlx::query(&sql);
        for id in chunk {
            count = count.bind(organisation_id).bind(*id).bind(1_i64);
        }
        count.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Items this person saw in earlier papers certifying any of the same modules.
async fn seen_by(pool: &AnyPool, person_key: &str, modules: &[String]) -> sqlx::Result<Excluded> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT pi.item_id, p.modules FROM paper_items pi JOIN papers p ON p.id = pi.paper_id WHERE p.person_key = $1",
    )
    .bind(person_key)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|(_, mods)| mods.split(',').any(|m| modules.iter().any(|x| x == m)))
        .map(|(id, _)| id)
        .collect())
}

/// What a draw reads before its transaction: the blueprint version, its pool, and the items
/// the person (if any) saw in earlier papers. None of it changes while the person starts,
/// so the writer's transaction only reads what other starts change: the exposure counts.
pub struct Prepared {
    pub blueprint_version_id: String,
    pub blueprint: std::sync::Arc<super::model::Blueprint>,
    versions: Vec<(String, String)>,
    pool: std::sync::Arc<Vec<super::draw::PoolItem>>,
    person_key: Option<String>,
    excluded: Excluded,
}

/// Reads a blueprint version, the pool of item versions its banks give the organisation, and
/// the items `person_key` must not see again (None for a paper not yet assigned).
pub async fn prepare(
    db: &Db,
    org: &Organisation,
    blueprint_version_id: &str,
    person_key: Option<&str>,
) -> anyhow::Result<Prepared> {
    let blueprint = store::version_blueprint(&db.read, blueprint_version_id).await?;
    let versions =
        store::bank_versions_for(&db.read, &org.id, org.department(), &blueprint).await?;
    let pool = store::published_pool(&db.read, &versions).await?;
    let excluded = match person_key {
        Some(person) => seen_by(&db.read, person, &blueprint.modules).await?,
        None => Excluded::default(),
    };
    Ok(Prepared {
        blueprint_version_id: blueprint_version_id.to_string(),
        blueprint,
        versions,
        pool,
        person_key: person_key.map(str::to_string),
        excluded,
    })
}

/// Draws a paper from a blueprint version for a person (None for a paper not yet assigned)
/// and stores it with its inputs, in one transaction.
pub async fn draw_paper(
    db: &Db,
    org: &Organisation,
    blueprint_version_id: &str,
    person_key: Option<&str>,
) -> anyhow::Result<PaperRow> {
    let prepared = prepare(db, org, blueprint_version_id, person_key).await?;
    let mut tx = db.begin_write().await?;
    let row = draw_in(&mut tx, org, &prepared).await?;
    tx.commit().await?;
    Ok(row)
}

/// Draws and stores a paper inside the caller's (writer's) transaction, so exposure is read
/// from the same state the paper is written to, and the paper commits with whatever needs it.
/// The paper's number is taken first: on PostgreSQL its counter row makes the centre's draws
/// take turns, so each reads the counts the one before it left.
pub async fn draw_in(
    tx: &mut AnyConnection,
    org: &Organisation,
    prepared: &Prepared,
) -> anyhow::Result<PaperRow> {
    let Prepared {
        blueprint_version_id,
        blueprint,
        versions,
        pool,
        person_key,
        excluded,
    } = prepared;
    // The migration that made `item_exposure` put the largest number so far in the counter.
    let sequence = crate::db::next_number(&mut *tx, &format!("papers:{}", org.id), 0).await?;
    let exposure_now = exposure(&mut *tx, &org.id).await?;
    let seed = rng::new_seed();
    let form = draw(&DrawInputs {
        blueprint,
        pool: pool.as_slice(),
        exposure: &exposure_now,
        excluded,
        seed,
    })?;
    let in_pool: std::collections::HashSet<&str> =
        pool.iter().map(|p| p.item_id.as_str()).collect();
    let exposure_json: BTreeMap<&str, u32> = exposure_now
        .iter()
        .filter(|(id, _)| in_pool.contains(id.as_str()))
        .map(|(id, n)| (id.as_str(), *n))
        .collect();
    let mut excluded_list: Vec<&String> = excluded.iter().collect();
    excluded_list.sort();
    let row = PaperRow {
        id: uuid::Uuid::new_v4().to_string(),
        organisation_id: org.id.clone(),
        blueprint_version_id: blueprint_version_id.clone(),
        sequence,
        person_key: person_key.clone(),
        generator: GENERATOR.to_string(),
        seed: rng::seed_to_hex(&seed),
        bank_versions: serde_json::to_string(versions)?,
        exposure: serde_json::to_string(&exposure_json)?,
        excluded: serde_json::to_string(&excluded_list)?,
        form: serde_json::to_string(&form)?,
    };
    sqlx::query(
        "INSERT INTO papers (id, organisation_id, blueprint_version_id, sequence, person_key, modules, generator, seed,
                             bank_versions, exposure, excluded, form, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&row.id)
    .bind(&row.organisation_id)
    .bind(&row.blueprint_version_id)
    .bind(row.sequence)
    .bind(&row.person_key)
    .bind(blueprint.modules.join(","))
    .bind(&row.generator)
    .bind(&row.seed)
    .bind(&row.bank_versions)
    .bind(&row.exposure)
    .bind(&row.excluded)
    .bind(&row.form)
    .bind(clock::now_ms())
    .execute(&mut *tx)
    .await?;
    count_drawn(&mut *tx, &org.id, &row.id, &form).await?;
    Ok(row)
}

pub async fn paper(pool: &AnyPool, id: &str) -> sqlx::Result<Option<PaperRow>> {
    sqlx::query_as(
        "SELECT id, organisation_id, blueprint_version_id, sequence, person_key, generator, seed, bank_versions,
                exposure, excluded, form FROM papers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

/// Runs the draw again from a stored paper's inputs, by the generator that drew it (its
/// display rules are kept for that): true when it gives the same paper.
pub async fn redraw_matches(db: &Db, paper: &PaperRow) -> anyhow::Result<bool> {
    let Some(generator) = Generator::parse(&paper.generator) else {
        anyhow::bail!(
            "paper {} was drawn by {}, which this program (with {GENERATOR}) does not know",
            paper.id,
            paper.generator
        );
    };
    let blueprint = store::version_blueprint(&db.read, &paper.blueprint_version_id).await?;
    let versions: Vec<(String, String)> = serde_json::from_str(&paper.bank_versions)?;
    let pool = store::pool_of_versions(&db.read, &versions).await?;
    let exposure: Exposure = serde_json::from_str::<BTreeMap<String, u32>>(&paper.exposure)?
        .into_iter()
        .collect();
    let excluded: Excluded = serde_json::from_str::<Vec<String>>(&paper.excluded)?
        .into_iter()
        .collect();
    let seed = rng::seed_from_hex(&paper.seed).ok_or_else(|| anyhow!("stored seed is damaged"))?;
    let inputs = DrawInputs {
        blueprint: &blueprint,
        pool: &pool,
        exposure: &exposure,
        excluded: &excluded,
        seed,
    };
    let again = draw_by(&inputs, generator)?;
    Ok(again == paper.form()?)
}
