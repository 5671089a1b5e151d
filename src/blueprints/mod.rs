//! Blueprints and randomized papers: what a paper must contain, and the reproducible,
//! exposure-aware, difficulty-balanced draw of each candidate's paper.

pub mod builder;
pub mod check;
pub mod cli;
pub mod display;
pub mod draw;
pub mod keyed;
pub mod model;
pub mod overview;
pub mod pages;
pub mod papers;
pub mod read;
mod read_marking;
pub mod rng;
pub mod sample;
pub mod simulate;
pub mod simulation_view;
pub mod store;

#[cfg(test)]
mod secrecy_tests;
#[cfg(test)]
mod tests;

use crate::{banks::report::FileReport, db::Db, orgs::model::Organisation};

/// Reads a blueprint and checks it against the banks the organisation can draw from: what
/// `blueprint check`, the import and the editor page all show.
pub async fn validate_for(
    db: &Db,
    org: &Organisation,
    name: &str,
    text: &str,
) -> anyhow::Result<(Option<model::Blueprint>, FileReport)> {
    let checked = check_for(db, org, name, text).await?;
    let blueprint = checked.blueprint.filter(|_| !checked.report.has_errors());
    Ok((blueprint, checked.report))
}

/// A blueprint read and checked against the organisation's banks: the parsed blueprint even
/// when the banks cannot serve it (to show its rules), the pool it was checked against, and
/// the report.
pub struct Checked {
    pub blueprint: Option<model::Blueprint>,
    pub pool: Vec<draw::PoolItem>,
    pub report: FileReport,
}

pub async fn check_for(
    db: &Db,
    org: &Organisation,
    name: &str,
    text: &str,
) -> anyhow::Result<Checked> {
    let (blueprint, mut report) = read::read_blueprint(name, text);
    let mut pool = Vec::new();
    if let Some(blueprint) = &blueprint {
        pool = store::pool_for(&db.read, &org.id, org.department(), blueprint).await?;
        check::check_against_pool(blueprint, &pool, &mut report);
    }
    Ok(Checked {
        blueprint,
        pool,
        report,
    })
}

/// The blueprints shipped in `question_banks/`, embedded in the binary.
pub const SHIPPED: [(&str, &str); 17] = [
    (
        "question_banks/iu01-thi.toml",
        include_str!("../../question_banks/iu01-thi.toml"),
    ),
    (
        "question_banks/iu02-thi.toml",
        include_str!("../../question_banks/iu02-thi.toml"),
    ),
    (
        "question_banks/iu03-thi.toml",
        include_str!("../../question_banks/iu03-thi.toml"),
    ),
    (
        "question_banks/iu04-thi.toml",
        include_str!("../../question_banks/iu04-thi.toml"),
    ),
    (
        "question_banks/iu05-thi.toml",
        include_str!("../../question_banks/iu05-thi.toml"),
    ),
    (
        "question_banks/iu06-thi.toml",
        include_str!("../../question_banks/iu06-thi.toml"),
    ),
    (
        "question_banks/iu07-thi.toml",
        include_str!("../../question_banks/iu07-thi.toml"),
    ),
    (
        "question_banks/iu08-thi.toml",
        include_str!("../../question_banks/iu08-thi.toml"),
    ),
    (
        "question_banks/iu09-thi.toml",
        include_str!("../../question_banks/iu09-thi.toml"),
    ),
    (
        "question_banks/iu10-thi.toml",
        include_str!("../../question_banks/iu10-thi.toml"),
    ),
    (
        "question_banks/iu11-thi.toml",
        include_str!("../../question_banks/iu11-thi.toml"),
    ),
    (
        "question_banks/iu12-thi.toml",
        include_str!("../../question_banks/iu12-thi.toml"),
    ),
    (
        "question_banks/iu13-thi.toml",
        include_str!("../../question_banks/iu13-thi.toml"),
    ),
    (
        "question_banks/iu14-thi.toml",
        include_str!("../../question_banks/iu14-thi.toml"),
    ),
    (
        "question_banks/iu15-thi.toml",
        include_str!("../../question_banks/iu15-thi.toml"),
    ),
    (
        "question_banks/co-ban-thi.toml",
        include_str!("../../question_banks/co-ban-thi.toml"),
    ),
    (
        "question_banks/icdl-ce-thi.toml",
        include_str!("../../question_banks/icdl-ce-thi.toml"),
    ),
];
