//! Importing a validated bank: all-or-nothing, unchanged content is a no-op, a changed item
//! becomes a new immutable version, and a change of answer key alone must be declared as a
//! key correction.

use std::collections::HashMap;

use super::{
    ParsedBank, native,
    report::{Msg, args, render},
    store,
};
use crate::{audit, db::Db, web::i18n::Lang};

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
    /// The content cannot be imported as it is; nothing was written. The problems are
    /// `report.*` messages, rendered in the reader's language (English in logs).
    #[error("{}", ImportError::render_all(.0, Lang::En).join("\n"))]
    Content(Vec<Msg>),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Imports one bank into an organisation, in one transaction.
pub async fn import_bank(
    db: &Db,
    organisation_id: &str,
    source_name: &str,
    parsed: &ParsedBank,
    options: ImportOptions<'_>,
) -> Result<ImportOutcome, ImportError> {
    let meta = &parsed.meta;
    let mut tx = db.begin_write().await?;
    // Imports of the same bank take turns, so version numbers never collide.
    let scope = format!("bank:{organisation_id}:{}", meta.code);
    crate::db::serialize_on(&mut tx, &scope).await?;
    let existing = store::bank_by_code(&mut *tx, organisation_id, &meta.code).await?;
    let bank_id = match &existing {
        Some(bank) if bank.module != meta.module => {
            let args = args![
                code = &meta.code,
                module = &bank.module,
                file_module = &meta.module
            ];
            return Err(ImportError::Content(vec![("report.module_mismatch", args)]));
        }
        Some(bank) => bank.id.clone(),
        None => {
            let new = store::NewBank {
                organisation_id,
                code: &meta.code,
                title: &meta.title,
                module: &meta.module,
                language: &meta.language,
            };
            store::insert_bank(&mut tx, new).await?
        }
    };

    let latest: HashMap<String, store::ItemVersionRow> =
        store::latest_item_versions(&mut tx, &bank_id)
            .await?
            .into_iter()
            .map(|row| (row.native_id.clone(), row))
            .collect();
    let mut outcome = ImportOutcome {
        bank_id: bank_id.clone(),
        code: meta.code.clone(),
        ..Default::default()
    };
    let mut new_items = Vec::new();
    let mut new_versions = Vec::new();
    let mut version_ids = Vec::with_capacity(parsed.items.len());
    let mut problems = Vec::new();
    for item in &parsed.items {
        let Some(previous) = latest.get(&item.id) else {
            let item_id = uuid::Uuid::new_v4().to_string();
            new_items.push((item_id.clone(), item.id.clone()));
            let id = uuid::Uuid::new_v4().to_string();
            version_ids.push(id.clone());
            new_versions.push(store::NewItemVersion {
                id,
                item_id,
                number: 1,
                item: item.clone(),
                key_correction: false,
                reason: None,
            });
            outcome.added += 1;
            continue;
        };
        if previous.content_hash == item.content_hash() {
            version_ids.push(previous.id.clone());
            outcome.unchanged += 1;
            continue;
        }
        let key_only = previous.presentation_hash == item.presentation_hash();
        if key_only && options.key_correction.is_none() {
            problems.push(("report.key_only_changed", args![id = &item.id]));
            continue;
        }
        let id = uuid::Uuid::new_v4().to_string();
        version_ids.push(id.clone());
        new_versions.push(store::NewItemVersion {
            id,
            item_id: previous.item_id.clone(),
            number: previous.number + 1,
            item: item.clone(),
            key_correction: key_only,
            reason: if key_only {
                options.key_correction.map(str::to_string)
            } else {
                None
            },
        });
        if key_only {
            outcome.key_corrections += 1;
        } else {
            outcome.changed += 1;
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Content(problems));
    }

    let previous = store::latest_version_contents(&mut tx, &bank_id).await?;
    if let Some((_, _, ids)) = &previous {
        let previous_ids: std::collections::HashSet<&str> =
            ids.iter().map(String::as_str).collect();
        let in_file: std::collections::HashSet<&str> =
            parsed.items.iter().map(|i| i.id.as_str()).collect();
        outcome.dropped = latest
            .values()
            .filter(|row| {
                previous_ids.contains(row.id.as_str()) && !in_file.contains(row.native_id.as_str())
            })
            .count();
    }
    let unchanged = previous
        .as_ref()
        .is_some_and(|(_, title, ids)| *ids == version_ids && *title == meta.title);
    if unchanged {
        return Ok(outcome);
    }
    store::insert_items(&mut tx, &bank_id, &new_items).await?;
    store::insert_item_versions(&mut tx, &new_versions).await?;
    store::insert_media(&mut tx, &parsed.media).await?;
    let number = previous.map_or(1, |(n, _, _)| n + 1);
    store::set_bank_title(&mut tx, &bank_id, &meta.title).await?;
    let new_version = store::NewBankVersion {
        bank_id: &bank_id,
        number,
        title: &meta.title,
        source_name,
        source_format: native::FORMAT,
        imported_by: options.actor,
        item_version_ids: &version_ids,
    };
    let version_id = store::insert_bank_version(&mut tx, new_version).await?;
    let detail = format!(
        "{} v{number} from {source_name}: {} added, {} changed, {} key corrections{}",
        meta.code,
        outcome.added,
        outcome.changed,
        outcome.key_corrections,
        options
            .key_correction
            .map(|r| format!(" (reason: {r})"))
            .unwrap_or_default()
    );
    let action = if outcome.key_corrections > 0 {
        "banks.key_correction"
    } else {
        "banks.import"
    };
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor: options.actor,
            action,
            subject_id: &version_id,
            detail,
        },
    )
    .await?;
    tx.commit().await?;
    outcome.version = Some(number);
    Ok(outcome)
}

impl ImportError {
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
