//! `sathach blueprint simulate`: papers drawn in a row from a blueprint and, when asked,
//! simulated candidates answering them, scored, with the item statistics. It sits in grading
//! because scoring does; the blueprint's own commands are in `blueprints::cli`.

use std::path::PathBuf;

use clap::Args;

use super::simulate::{CandidateSimulation, simulate_blueprint};
use crate::{
    banks::cli::OutputFormat,
    blueprints::{
        check::check_against_pool, cli::read_file, read::read_blueprint, rng, store::pool_for,
    },
    db::Db,
    orgs,
    vocab::{Failure, Lang},
};

/// What `blueprint simulate` is asked to do.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[arg(long, value_name = "CODE")]
    pub org: String,
    #[arg(long, default_value_t = 100)]
    pub forms: usize,
    /// Master seed (64 hex digits) to repeat a simulation; random by default.
    #[arg(long)]
    pub seed: Option<String>,
    /// Also simulate this many candidates answering their papers, score them and print
    /// the item statistics (reliability, flagged items).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub simulate_candidates: usize,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

pub async fn run(
    args: SimulateArgs,
    settings: &crate::config::Settings,
    lang: Lang,
) -> Result<(), Failure> {
    let db = Db::connect_and_migrate(settings).await?;
    let result = simulate_papers(&db, args, lang).await;
    db.close().await;
    result
}

async fn simulate_papers(db: &Db, args: SimulateArgs, lang: Lang) -> Result<(), Failure> {
    let SimulateArgs {
        file,
        org,
        forms,
        seed,
        simulate_candidates: candidates,
        format,
    } = args;
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
    let report = simulate_blueprint(&blueprint, &pool, forms, candidates, seed)
        .map_err(|e| Failure::Content(e.to_string()))?;
    let (result, scored) = (&report.papers, &report.candidates);
    match format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("simulation serialises")
        ),
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
            if let Some(c) = scored {
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
