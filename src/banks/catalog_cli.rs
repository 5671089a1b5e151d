//! `sathach catalog check [FILE]`: the catalog check from a terminal, for whoever edits
//! `question_banks/catalog.toml` (exit 1 when it has errors).

use std::path::PathBuf;

use clap::Subcommand;

use super::{
    catalog::SHIPPED,
    catalog_read::read_catalog,
    cli::OutputFormat,
    report::{args, render},
};
use crate::vocab::{Failure, Lang};

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Validate a catalog file (default: the catalog built into this program) and print
    /// `path:line: error: …` lines (exit 1 on errors).
    Check {
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
}

pub fn run(command: CatalogCommand, lang: Lang) -> Result<(), Failure> {
    let CatalogCommand::Check { file, format } = command;
    let (name, text) = match &file {
        Some(path) => (
            path.display().to_string(),
            crate::blueprints::cli::read_file(path, lang)?,
        ),
        None => (SHIPPED.0.to_string(), SHIPPED.1.to_string()),
    };
    let (_, report) = read_catalog(&name, &text);
    match format {
        OutputFormat::Text => {
            report.lines(lang).iter().for_each(|l| println!("{l}"));
            let count = |kind: &str| report.counts.get(kind).copied().unwrap_or_default();
            let summary = args![
                path = &report.path,
                modules = count("modules"),
                certificates = count("certificates"),
                equivalences = count("equivalences"),
                errors = report.errors.len(),
            ];
            println!("{}", render(lang, "report.cat.summary", &summary));
        }
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report.json(lang)).expect("reports serialise")
        ),
    }
    if report.has_errors() {
        let args = args![failed = 1, total = 1];
        return Err(Failure::Content(render(
            lang,
            "report.files_with_errors",
            &args,
        )));
    }
    Ok(())
}
