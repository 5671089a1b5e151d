//! `sathach results verify [--session CODE]`: recomputes every stored result and reports any
//! difference, one line per attempt that differs, then a summary (exit 1 if any differs).
//! `sathach results regrade`: does now the regrading a running server does in the background.

use clap::Subcommand;

use super::verify::{Finding, verify};
use crate::{
    config::Settings,
    db::Db,
    vocab::{Failure, Lang},
};

#[derive(Debug, Subcommand)]
pub enum ResultsCommand {
    /// Recompute every stored result from the stored paper, answers and recorded item versions
    /// and report any difference (exit 1 if there is one). Reads only, once pending migrations
    /// are applied.
    Verify {
        /// Only this exam session (its code).
        #[arg(long, value_name = "CODE")]
        session: Option<String>,
    },
    /// Score again, now, every result that a published key correction affects and no server
    /// has scored again yet (a running server does this by itself, in the background).
    Regrade,
}

pub async fn run(command: ResultsCommand, settings: &Settings, lang: Lang) -> Result<(), Failure> {
    let db = Db::connect_and_migrate(settings).await?;
    let result = match command {
        ResultsCommand::Verify { session } => run_verify(&db, session.as_deref(), lang).await,
        ResultsCommand::Regrade => run_regrade(&db, lang).await,
    };
    db.close().await;
    result
}

async fn run_regrade(db: &Db, lang: Lang) -> Result<(), Failure> {
    let worked = super::regrade::run_pending(db).await?;
    println!(
        "{}",
        lang.fill(
            "result.regrade_summary",
            &[
                ("started", &worked.started.to_string()),
                ("rescored", &worked.rescored.to_string()),
                ("changed", &worked.changed.to_string()),
            ],
        )
    );
    Ok(())
}

async fn run_verify(db: &Db, session: Option<&str>, lang: Lang) -> Result<(), Failure> {
    super::backfill::recompute_legacy(db).await?;
    let checked = verify(db, session).await?;
    let mut differing = 0;
    for c in &checked {
        let what = match &c.finding {
            Finding::Same => continue,
            Finding::AnswersChanged => lang.t("result.verify_answers_changed").to_string(),
            Finding::ResultDiffers(detail) => {
                lang.fill("result.verify_differs", &[("detail", detail)])
            }
            Finding::Missing => lang.t("result.verify_missing").to_string(),
            Finding::OtherScoringVersion(version) => {
                lang.fill("result.verify_other_version", &[("version", version)])
            }
        };
        differing += 1;
        println!(
            "{} {} ({}): {what}",
            c.session_code, c.candidate_number, c.attempt_id
        );
    }
    let summary = lang.fill(
        "result.verify_summary",
        &[
            ("checked", &checked.len().to_string()),
            ("differing", &differing.to_string()),
        ],
    );
    if differing > 0 {
        Err(Failure::Content(summary))
    } else {
        println!("{summary}");
        Ok(())
    }
}
