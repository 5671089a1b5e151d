//! `sathach blueprint check|import|redraw` (`blueprint simulate` scores simulated candidates
//! too, so it lives in `grading::cli`).

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use crate::{
    banks::{cli::OutputFormat, report::render, source},
    db::Db,
    orgs,
    vocab::{Failure, Lang},
};

#[derive(Debug, Subcommand)]
pub enum BlueprintCommand {
    /// Verify blueprints against an organisation's banks: enough items for every rule, no rule
    /// starving another, a pass rule that can be met, a reachable difficulty target.
    Check {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Code of the centre whose banks the blueprint draws from.
        #[arg(long, value_name = "CODE")]
        org: String,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// Validate blueprints against an organisation's banks and store each as a new version
    /// (unchanged text is not stored again).
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[arg(long, value_name = "CODE")]
        org: String,
    },
    /// Run the draw of a stored paper again from its stored inputs and say whether it gives
    /// the same paper (for auditors).
    Redraw {
        #[arg(value_name = "PAPER_ID")]
        paper: String,
    },
}

pub async fn run(
    command: BlueprintCommand,
    settings: &crate::config::Settings,
    lang: Lang,
) -> Result<(), Failure> {
    let db = Db::connect_and_migrate(settings).await?;
    let result = match command {
        BlueprintCommand::Check { files, org, format } => {
            check(&db, &files, &org, format, lang).await
        }
        BlueprintCommand::Import { files, org } => import(&db, &files, &org, lang).await,
        BlueprintCommand::Redraw { paper } => redraw(&db, &paper).await,
    };
    db.close().await;
    result
}

async fn redraw(db: &Db, id: &str) -> Result<(), Failure> {
    let paper = super::papers::paper(&db.read, id)
        .await
        .context("cannot read papers")?
        .ok_or_else(|| Failure::Content(format!("no paper {id}")))?;
    if super::papers::redraw_matches(db, &paper).await? {
        println!(
            "paper {id}: the draw from its stored inputs (seed {}) gives the same paper",
            paper.seed
        );
        Ok(())
    } else {
        Err(Failure::Content(format!(
            "paper {id}: the draw from its stored inputs gives a different paper"
        )))
    }
}

/// A blueprint file's text (any encoding `bank` accepts); an error names the file.
pub(crate) fn read_file(path: &PathBuf, lang: Lang) -> Result<String, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Environment(format!("cannot read {}: {e}", path.display())))?;
    source::decode(&bytes)
        .map(str::to_string)
        .map_err(|(key, args)| {
            Failure::Content(format!("{}: {}", path.display(), render(lang, key, &args)))
        })
}

async fn check(
    db: &Db,
    files: &[PathBuf],
    org: &str,
    format: OutputFormat,
    lang: Lang,
) -> Result<(), Failure> {
    let org = orgs::by_code_for_cli(db, org).await?;
    let mut reports = Vec::new();
    for file in files {
        let text = read_file(file, lang)?;
        let (_, report) = super::validate_for(db, &org, &file.display().to_string(), &text).await?;
        reports.push(report);
    }
    crate::banks::cli::print_reports(&reports, format, lang)
}

async fn import(db: &Db, files: &[PathBuf], org: &str, lang: Lang) -> Result<(), Failure> {
    let org = orgs::by_code_for_cli(db, org).await?;
    let mut failed = 0;
    for file in files {
        let text = read_file(file, lang)?;
        let name = file.display().to_string();
        let (blueprint, report) = super::validate_for(db, &org, &name, &text).await?;
        report.lines(lang).iter().for_each(|l| eprintln!("{l}"));
        let Some(blueprint) = blueprint else {
            failed += 1;
            continue;
        };
        match super::store::save(db, &org.id, &blueprint.code, &blueprint.title, &text, None)
            .await
            .context("cannot store the blueprint")?
        {
            super::store::Saved::Version { number, .. } => {
                println!("{name}: {} v{number}", blueprint.code)
            }
            super::store::Saved::Unchanged { .. } => {
                println!("{name}: {} unchanged", blueprint.code)
            }
        }
    }
    if failed > 0 {
        return Err(Failure::Content(format!(
            "{failed} blueprints were not imported"
        )));
    }
    Ok(())
}
