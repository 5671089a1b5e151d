//! Importing a validated bank: all-or-nothing, unchanged content is a no-op, a changed item
//! becomes a new immutable version, and a change of answer key alone must be declared as a
//! key correction. The import runs in short write transactions (`write`), under a claim on
//! the bank (`claim`), following a plan made without the database (`plan`).

mod claim;
mod plan;
mod write;

use claim::Claim;
pub use claim::LEASE_MS;

use super::{
    ParsedBank,
    report::{Msg, args, render},
};
use crate::{db::Db, vocab::Lang};

/// How an import is made.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImportOptions<'a> {
    /// `Some(reason)`: items whose key alone changed become key-correction versions.
    pub key_correction: Option<&'a str>,
    /// The staff member importing (None from the terminal).
    pub actor: Option<&'a str>,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub bank_id: String,
    pub code: String,
    /// The new bank version's number; None when nothing changed.
    pub version: Option<i64>,
    pub added: usize,
    pub changed: usize,
    pub key_corrections: usize,
    pub unchanged: usize,
    /// Items of the previous version that this file no longer has (their versions remain).
    pub dropped: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The content cannot be imported as it is; nothing was imported (at most pictures were
    /// stored, which nothing refers to). The problems are
    /// `report.*` messages, rendered in the reader's language (English in logs).
    #[error("{}", ImportError::render_all(.0, Lang::En).join("\n"))]
    Content(Vec<Msg>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Imports one bank into an organisation, all or nothing, without holding the database writer
/// for long: the bank is claimed, its pictures, items and new version are written in short
/// batches (see `plan::PICTURE_BATCH_BYTES`) that nobody can see or draw from, and one short
/// transaction makes the version current, after checking that nothing changed meanwhile.
pub async fn import_bank(
    db: &Db,
    organisation_id: &str,
    source_name: &str,
    parsed: &ParsedBank,
    options: ImportOptions<'_>,
) -> Result<ImportOutcome, ImportError> {
    run(db, organisation_id, source_name, parsed, options, None).await
}

/// For tests: the import stops for good after committing `batches` batches, as if its process
/// had died there; nothing is cleaned up and the next import's sweep must cope.
#[doc(hidden)]
pub async fn import_bank_dying_after(
    db: &Db,
    organisation_id: &str,
    source_name: &str,
    parsed: &ParsedBank,
    options: ImportOptions<'_>,
    batches: usize,
) -> Result<ImportOutcome, ImportError> {
    run(
        db,
        organisation_id,
        source_name,
        parsed,
        options,
        Some(batches),
    )
    .await
}

async fn run(
    db: &Db,
    organisation_id: &str,
    source_name: &str,
    parsed: &ParsedBank,
    options: ImportOptions<'_>,
    dies_after: Option<usize>,
) -> Result<ImportOutcome, ImportError> {
    let claim = Claim::take(db, organisation_id, &parsed.meta).await?;
    let mut writer = write::Writer::new(db, &claim, dies_after);
    match writer.import(source_name, parsed, &options).await {
        Ok(outcome) if outcome.version.is_some() => Ok(outcome),
        Ok(unchanged) => {
            claim.release(db).await?;
            Ok(unchanged)
        }
        Err(write::Halt::Died) => Err(ImportError::interrupted(&parsed.meta.code)),
        Err(write::Halt::Failed(e)) => {
            if let Err(cleanup) = claim.release(db).await {
                tracing::warn!(error = %cleanup, "a failed import's staged rows are left to the next sweep");
            }
            Err(e)
        }
    }
}

impl ImportError {
    /// The import could not finish (another took its claim over, or it died in a test); nothing
    /// of it is visible.
    fn interrupted(code: &str) -> Self {
        ImportError::Content(vec![("report.import_interrupted", args![code = code])])
    }

    /// Content problems as sentences in a language.
    pub fn render_all(problems: &[Msg], lang: Lang) -> Vec<String> {
        problems
            .iter()
            .map(|(key, args)| render(lang, key, args))
            .collect()
    }
}

impl ImportOutcome {
    /// One line for the terminal, in a language.
    pub fn describe(&self, lang: Lang) -> String {
        match self.version {
            None => render(
                lang,
                "report.import_unchanged",
                &args![code = &self.code, n = self.unchanged],
            ),
            Some(v) => render(
                lang,
                "report.import_version",
                &args![
                    code = &self.code,
                    version = v,
                    added = self.added,
                    changed = self.changed,
                    key_corrections = self.key_corrections,
                    unchanged = self.unchanged,
                    dropped = self.dropped,
                ],
            ),
        }
    }
}
