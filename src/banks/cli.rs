//! `sathach bank check|import|export|list`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Subcommand, ValueEnum};

use super::{
    foreign::Defaults,
    formats::{self, Format, ReadOptions},
    import::{ImportError, ImportOptions, import_bank},
    model::Difficulty,
    quality,
    report::{Severity, args, render},
    store,
};
use crate::{
    db::Db,
    orgs,
    vocab::{Failure, Lang},
};

#[derive(Debug, Subcommand)]
pub enum BankCommand {
    /// Validate bank files or folders and print `path:line: error: …` lines (exit 1 on errors).
    Check {
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Import bank files or folders into an organisation (all-or-nothing per bank).
    Import {
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
        /// Code of the training centre (or department) that owns the banks.
        #[arg(long, value_name = "CODE")]
        org: String,
        /// Items whose answer key alone changed are corrections of a wrong key.
        #[arg(long, requires = "reason")]
        key_correction: bool,
        /// Why the key was corrected (kept with the new versions and in the audit trail).
        #[arg(long, requires = "key_correction")]
        reason: Option<String>,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Write a bank's newest version as a file that imports back to the same bank.
    Export {
        /// Bank code, e.g. IU01-MAU.
        bank: String,
        #[arg(long, value_name = "CODE")]
        org: String,
        #[arg(long, value_enum, default_value = "toml")]
        to: ExportFormat,
        /// Output file (default: standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// List the banks of an organisation's department.
    List {
        #[arg(long, value_name = "CODE")]
        org: String,
    },
}

/// How to read the files: their format (else recognised from the content) and what Word
/// files, spreadsheets and files from other platforms (GIFT, Aiken, Moodle XML, QTI) do not say.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    /// The files' format, when recognising it from the content is not wanted.
    #[arg(long, value_enum, value_name = "FORMAT")]
    from: Option<Format>,
    /// Bank code when the file names none (default: from the file name).
    #[arg(long, value_name = "CODE")]
    code: Option<String>,
    /// Module of the bank when the file names none, e.g. IU01 (default: the module of a
    /// topic the file names).
    #[arg(long, value_name = "MODULE")]
    module: Option<String>,
    /// Topic of questions that name none (no topic in a Word part, an empty Topic cell, no
    /// category or tag naming one), e.g. IU01.1.
    #[arg(long, value_name = "TOPIC")]
    topic: Option<String>,
    /// Level of questions that name none: NB, TH, VD or VDC.
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    level: Option<Difficulty>,
}

fn parse_level(text: &str) -> Result<Difficulty, String> {
    Difficulty::parse(text).ok_or_else(|| "NB, TH, VD, VDC".to_string())
}

impl ReadArgs {
    fn options(&self) -> ReadOptions {
        ReadOptions {
            from: self.from,
            defaults: Defaults {
                code: self.code.clone(),
                module: self.module.clone(),
                topic: self.topic.clone(),
                level: self.level,
            },
        }
    }
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormat {
    /// sathach's TOML (pictures in `media/` beside the file).
    Toml,
    /// An IMS QTI 2.1 content package (a .zip), for other platforms.
    Qti,
}

/// Runs a bank command; `db` is only opened for commands that need it. Reports of `check`
/// and `import` are printed in `lang`.
pub async fn run(
    command: BankCommand,
    settings: &crate::config::Settings,
    lang: Lang,
) -> Result<(), Failure> {
    match command {
        BankCommand::Check {
            paths,
            format,
            read,
        } => check(&paths, format, &read.options(), lang),
        BankCommand::Import {
            paths,
            org,
            key_correction,
            reason,
            read,
        } => {
            let db = Db::connect_and_migrate(settings).await?;
            let key_correction = key_correction.then_some(reason.as_deref().unwrap_or_default());
            let result = import(&db, &paths, &org, key_correction, &read.options(), lang).await;
            db.close().await;
            result
        }
        BankCommand::Export { bank, org, to, out } => {
            let db = Db::connect_and_migrate(settings).await?;
            let result = super::export::run(&db, &bank, &org, to, out.as_deref()).await;
            db.close().await;
            result
        }
        BankCommand::List { org } => {
            let db = Db::connect_and_migrate(settings).await?;
            let result = list(&db, &org).await;
            db.close().await;
            result
        }
    }
}

fn check(
    paths: &[PathBuf],
    format: OutputFormat,
    options: &ReadOptions,
    lang: Lang,
) -> Result<(), Failure> {
    let read: Vec<_> = paths
        .iter()
        .flat_map(|p| formats::read_path(p, usize::MAX, options))
        .collect();
    let (banks, mut reports): (Vec<_>, Vec<_>) = read.into_iter().unzip();
    warn_of_cues(&banks, &mut reports, lang);
    print_reports(&reports, format, lang)
}

/// Adds the bank-quality warnings to each bank's report: its cues, and its items whose stems
/// nearly repeat another item's, in the same file or in any other file checked with it.
fn warn_of_cues(
    banks: &[Option<super::ParsedBank>],
    reports: &mut [super::report::FileReport],
    lang: Lang,
) {
    let empty: &[super::model::Item] = &[];
    let items: Vec<&[super::model::Item]> = banks
        .iter()
        .map(|b| b.as_ref().map_or(empty, |b| b.items.as_slice()))
        .collect();
    for (report, items) in reports.iter_mut().zip(&items) {
        for cue in quality::cues(items) {
            let (key, args) = quality::cue_message(&cue, lang);
            report.warning(1, key, args);
        }
    }
    let names: Vec<String> = reports.iter().map(|r| r.path.clone()).collect();
    for twin in quality::twins(&items, quality::Scope::All) {
        let (key, args) = quality::twin_message(&twin, &names, lang);
        reports[twin.first.0].warning(1, key, args);
    }
}

/// Prints reports as `path:line: …` lines and summaries, or as JSON; a content failure (exit
/// 1) when any has errors. Shared by `bank check` and `blueprint check`.
pub fn print_reports(
    reports: &[super::report::FileReport],
    format: OutputFormat,
    lang: Lang,
) -> Result<(), Failure> {
    match format {
        OutputFormat::Text => {
            for report in reports {
                report
                    .lines(lang)
                    .iter()
                    .for_each(|line| println!("{line}"));
            }
            for report in reports {
                println!("{}", report.summary(lang));
            }
        }
        OutputFormat::Json => {
            let json: Vec<_> = reports.iter().map(|r| r.json(lang)).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&json).expect("reports serialise")
            );
        }
    }
    let failed = reports.iter().filter(|r| r.has_errors()).count();
    if failed > 0 {
        let args = args![failed = failed, total = reports.len()];
        return Err(Failure::Content(render(
            lang,
            "report.files_with_errors",
            &args,
        )));
    }
    Ok(())
}

async fn import(
    db: &Db,
    paths: &[PathBuf],
    org: &str,
    key_correction: Option<&str>,
    options: &ReadOptions,
    lang: Lang,
) -> Result<(), Failure> {
    let org = orgs::by_code_for_cli(db, org).await?;
    let results: Vec<_> = paths
        .iter()
        .flat_map(|p| formats::read_path(p, crate::config::DEFAULT_UPLOAD_LIMIT_BYTES, options))
        .collect();
    let mut failed: usize = 0;
    for (parsed, report) in results {
        report
            .lines(lang)
            .iter()
            .for_each(|line| eprintln!("{line}"));
        println!("{}", report.summary(lang));
        let path = args![path = &report.path];
        let Some(parsed) = parsed else {
            eprintln!("{}", render(lang, "report.not_imported_fix", &path));
            failed += 1;
            continue;
        };
        let options = ImportOptions {
            key_correction,
            actor: None,
        };
        match import_bank(db, &org.id, &report.path, &parsed, options).await {
            Ok(outcome) => println!("{}: {}", report.path, outcome.describe(lang)),
            Err(ImportError::Content(problems)) => {
                let error = Severity::Error.label(lang);
                for problem in ImportError::render_all(&problems, lang) {
                    eprintln!("{}: {error}: {problem}", report.path);
                }
                eprintln!("{}", render(lang, "report.not_imported", &path));
                failed += 1;
            }
            Err(ImportError::Database(e)) => {
                return Err(Failure::Environment(format!(
                    "cannot import {}: {e}",
                    report.path
                )));
            }
        }
    }
    if failed > 0 {
        let args = args![failed = failed];
        return Err(Failure::Content(render(
            lang,
            "report.banks_not_imported",
            &args,
        )));
    }
    Ok(())
}

async fn list(db: &Db, org: &str) -> Result<(), Failure> {
    let org = orgs::by_code_for_cli(db, org).await?;
    let banks = store::banks_of(&db.read, org.department(), None)
        .await
        .context("cannot read banks")?;
    println!(
        "{:<16} {:<8} {:>5} {:>8}  {:<20} title",
        "code", "module", "items", "versions", "organisation"
    );
    for bank in banks {
        println!(
            "{:<16} {:<8} {:>5} {:>8}  {:<20} {}",
            bank.code, bank.module, bank.items, bank.versions, bank.organisation_name, bank.title
        );
    }
    Ok(())
}
