//! `sathach blueprint check|simulate`.

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use crate::grading::simulate::{CandidateSimulation, simulate_candidates};

use super::{
    check::check_against_pool, read::read_blueprint, rng, simulate::simulate, store::pool_for,
};
use crate::{
    banks::{cli::OutputFormat, report::render, source},
    cli::Failure,
    db::Db,
    orgs,
    web::i18n::Lang,
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
    /// Draw N papers in a row and report exposure, difficulty spread, topic coverage and violations.
    Simulate {
        #[arg(value_name = "FILE")]
        file: PathBuf,
        #[arg(long, value_name = "CODE")]
        org: String,
        #[arg(long, default_value_t = 100)]
        forms: usize,
        /// Master seed (64 hex digits) to repeat a simulation; random by default.
        #[arg(long)]
        seed: Option<String>,
        /// Also simulate this many candidates answering their papers, score them and print
        /// the item statistics (reliability, flagged items).
        #[arg(long, default_value_t = 0, value_name = "N")]
        simulate_candidates: usize,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
}

/// What `blueprint simulate` was asked to do.
pub struct SimulateOptions {
    file: PathBuf,
    org: String,
    forms: usize,
    seed: Option<String>,
    candidates: usize,
    format: OutputFormat,
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
        BlueprintCommand::Simulate {
            file,
            org,
            forms,
            seed,
            simulate_candidates,
            format,
        } => {
            let options = SimulateOptions {
                file,
                org,
                forms,
                seed,
                candidates: simulate_candidates,
                format,
            };
            run_simulation(&db, options, lang).await
        }
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

fn print_candidates(c: &CandidateSimulation) {
    let f = &c.form;
    println!("{} simulated candidates:", c.candidates);
    println!(
        "  passed:            {} ({:.1} %), pending {}",
        c.passed,
        100.0 * c.passed as f64 / c.candidates.max(1) as f64,
        c.pending
    );
    println!(
        "  score:             mean {:.2}, standard deviation {:.2}",
        f.mean, f.sd
    );
    let fmt = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.3}"));
    println!(
        "  reliability:       {} {} (standard error of measurement {})",
        f.reliability_kind,
        fmt(f.reliability),
        fmt(f.sem)
    );
    let flagged: Vec<&str> = c.flagged().map(|i| i.item_id.as_str()).collect();
    println!(
        "  check the key:     {} items{}",
        flagged.len(),
        if flagged.is_empty() {
            String::new()
        } else {
            format!(" ({})", flagged.join(", "))
        }
    );
}

fn read_file(path: &PathBuf, lang: Lang) -> Result<String, Failure> {
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

async fn run_simulation(db: &Db, options: SimulateOptions, lang: Lang) -> Result<(), Failure> {
    let SimulateOptions {
        file,
        org,
        forms,
        seed,
        candidates,
        format,
    } = options;
    let file = &file;
    let org = orgs::by_code_for_cli(db, &org).await?;
    let text = read_file(file, lang)?;
    let (blueprint, mut report) = read_blueprint(&file.display().to_string(), &text);
    let Some(blueprint) = blueprint else {
        report.lines(lang).iter().for_each(|l| eprintln!("{l}"));
        return Err(Failure::Content(format!("{} has errors", file.display())));
    };
    let pool = pool_for(&db.read, &org.id, org.department(), &blueprint).await?;
    check_against_pool(&blueprint, &pool, &mut report);
    if report.has_errors() {
        report.lines(lang).iter().for_each(|l| eprintln!("{l}"));
        return Err(Failure::Content(format!(
            "{} cannot be drawn from {}'s banks",
            file.display(),
            org.code
        )));
    }
    let seed = match seed {
        Some(hex) => rng::seed_from_hex(&hex)
            .ok_or_else(|| Failure::Environment("--seed takes 64 hexadecimal digits".into()))?,
        None => rng::new_seed(),
    };
    let result =
        simulate(&blueprint, &pool, forms, seed).map_err(|e| Failure::Content(e.to_string()))?;
    let scored = (candidates > 0)
        .then(|| simulate_candidates(&blueprint, &pool, candidates, seed))
        .transpose()
        .map_err(|e| Failure::Content(e.to_string()))?;
    match format {
        OutputFormat::Json => {
            let json = serde_json::json!({ "papers": result, "candidates": scored });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).expect("simulation serialises")
            )
        }
        OutputFormat::Text => {
            println!(
                "{}: {} papers drawn from {} items (seed {})",
                blueprint.code,
                result.forms,
                result.items_in_pool,
                rng::seed_to_hex(&seed)
            );
            println!(
                "  items used:        {} distinct",
                result.distinct_items_used
            );
            println!(
                "  exposure:          max {}, mean {:.2}",
                result.exposure_max, result.exposure_mean
            );
            println!(
                "  paper difficulty:  min {:.3}, mean {:.3}, max {:.3}",
                result.difficulty_min, result.difficulty_mean, result.difficulty_max
            );
            println!(
                "  topics covered:    {} of {}",
                result.topics_covered, result.topics_total
            );
            println!("  rule violations:   {}", result.violations);
            result
                .first_violations
                .iter()
                .for_each(|v| println!("    {v}"));
            if let Some(c) = &scored {
                print_candidates(c);
            }
        }
    }
    if result.violations > 0 {
        return Err(Failure::Content(format!(
            "{} papers broke the blueprint",
            result.violations
        )));
    }
    Ok(())
}
