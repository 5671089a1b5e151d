//! A bank's page: its versions, its items with filters, and the bank-quality warnings of the
//! version shown (its cues, and stems that nearly repeat another item of the centre's banks).

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{
    catalog::catalog,
    model::{Difficulty, Item, ItemKind},
    pages::visible_bank,
    quality, report,
    store::{self, BankRow, ItemVersionRow, VersionRow},
};
use crate::{
    accounts::Staff,
    clock,
    vocab::Lang,
    web::{AppError, AppState, Chrome, render},
};

pub(super) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/banks/{id}", web::get().to(detail));
}

#[derive(Deserialize, Default)]
struct Filters {
    version: Option<i64>,
    topic: Option<String>,
    difficulty: Option<String>,
    kind: Option<String>,
    tag: Option<String>,
    imported: Option<i64>,
}

/// One row of the item table.
struct ItemRow {
    version_id: String,
    id: String,
    kind: ItemKind,
    topic: String,
    difficulty: Difficulty,
    stem: String,
    tags: String,
    key_correction: bool,
}

#[derive(Template)]
#[template(path = "banks/detail.html")]
struct DetailPage {
    chrome: Chrome,
    bank: BankRow,
    versions: Vec<VersionRow>,
    shown: Option<i64>,
    items: Vec<ItemRow>,
    total: usize,
    topics: Vec<(String, String)>,
    filters: Filters,
    kinds: [ItemKind; 8],
    levels: [Difficulty; 4],
    /// A bank shipped with sathach (reviewed; its notice says to review it before real exams).
    sample: bool,
    /// The bank-quality warnings, rendered.
    quality: Vec<String>,
}

impl DetailPage {
    fn when(&self, ms: &i64) -> String {
        clock::format_local(*ms)
    }
    fn selected(&self, current: &Option<String>, value: &str) -> bool {
        current.as_deref() == Some(value)
    }
    fn is_shown(&self, number: &i64) -> bool {
        self.shown == Some(*number)
    }
    fn showing(&self) -> String {
        self.chrome.fill(
            "bank.showing",
            &[
                ("n", &self.items.len().to_string()),
                ("total", &self.total.to_string()),
            ],
        )
    }
    fn imported_message(&self) -> Option<String> {
        match self.filters.imported? {
            0 => Some(self.chrome.t("bank.unchanged").to_string()),
            v => Some(
                self.chrome
                    .fill("bank.imported", &[("version", &v.to_string())]),
            ),
        }
    }
}

async fn detail(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<Filters>,
) -> Result<HttpResponse, AppError> {
    let bank = visible_bank(&staff, &state, &path).await?;
    let versions = store::versions(&state.db.read, &bank.id).await?;
    let filters = query.into_inner();
    let chosen = match filters.version {
        Some(n) => versions.iter().find(|v| v.number == n),
        None => versions.first(),
    };
    let rows = match chosen {
        Some(v) => store::version_items(&state.db.read, &v.id).await?,
        None => vec![],
    };
    let total = rows.len();
    let non_empty = |v: &Option<String>| v.as_deref().filter(|s| !s.is_empty()).map(str::to_string);
    let (topic, level, kind, tag) = (
        non_empty(&filters.topic),
        non_empty(&filters.difficulty),
        non_empty(&filters.kind),
        non_empty(&filters.tag),
    );
    let all = rows
        .iter()
        .map(ItemVersionRow::item)
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::from)?;
    let quality = quality_warnings(&state, &bank, &all, staff.chrome.lang).await?;
    let mut items = Vec::new();
    for (row, item) in rows.into_iter().zip(all) {
        let keep = topic.as_ref().is_none_or(|t| *t == item.topic)
            && level.as_ref().is_none_or(|d| d == item.difficulty.code())
            && kind.as_ref().is_none_or(|k| k == item.body.kind().as_str())
            && tag.as_ref().is_none_or(|t| {
                item.tags
                    .iter()
                    .any(|x| super::model::fold_text(x, true) == super::model::fold_text(t, true))
            });
        if keep {
            items.push(ItemRow {
                version_id: row.id,
                kind: item.body.kind(),
                stem: super::item_view::stem_line(&item.stem.html),
                tags: item.tags.join(", "),
                id: item.id,
                topic: item.topic,
                difficulty: item.difficulty,
                key_correction: row.key_correction != 0,
            });
        }
    }
    let topics = catalog()
        .module(&bank.module)
        .map(|m| {
            m.topics
                .iter()
                .map(|t| (t.code.clone(), t.name(staff.chrome.lang).to_string()))
                .collect()
        })
        .unwrap_or_default();
    let page = DetailPage {
        sample: super::shipped::is_sample(&bank.code),
        chrome: staff.chrome,
        shown: chosen.map(|v| v.number),
        bank,
        versions,
        items,
        total,
        topics,
        filters: Filters {
            topic,
            difficulty: level,
            kind,
            tag,
            ..filters
        },
        kinds: ItemKind::ALL,
        levels: Difficulty::ALL,
        quality,
    };
    render(&page, 200)
}

/// The bank-quality warnings of the version shown: its cues, and its items whose stems nearly
/// repeat another of its items or an item of the centre's other banks (their newest versions).
/// The comparison runs on the blocking pool: it reads thousands of stems.
async fn quality_warnings(
    state: &AppState,
    bank: &BankRow,
    items: &[Item],
    lang: Lang,
) -> Result<Vec<String>, AppError> {
    let others =
        store::newest_items_of_other_banks(&state.db.read, &bank.organisation_id, &bank.id).await?;
    let mut names = vec![bank.code.clone()];
    let mut banks: Vec<Vec<Item>> = vec![items.to_vec()];
    for (code, row) in others {
        if names.last() != Some(&code) {
            names.push(code);
            banks.push(vec![]);
        }
        if let (Some(last), Ok(item)) = (banks.last_mut(), row.item()) {
            last.push(item);
        }
    }
    let warnings = web::block(move || {
        let mut warnings: Vec<String> = quality::cues(&banks[0])
            .iter()
            .map(|cue| {
                let (key, args) = quality::cue_message(cue, lang);
                report::render(lang, key, &args)
            })
            .collect();
        let all: Vec<&[Item]> = banks.iter().map(Vec::as_slice).collect();
        // The shown bank's items come first, so each pair names one of them first.
        for twin in quality::twins(&all, quality::Scope::First) {
            let (key, args) = quality::twin_message(&twin, &names, lang);
            warnings.push(report::render(lang, key, &args));
        }
        warnings
    })
    .await
    .map_err(anyhow::Error::from)?;
    Ok(warnings)
}
