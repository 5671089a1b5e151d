//! Bank pages for centre managers and admins: the list with the upload form, a bank's
//! versions and items with filters, and an item preview rendered as candidates will see it
//! (with the key, for staff only). Pictures are served by content hash.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    catalog::catalog,
    item_view::ItemView,
    model::{Difficulty, Item, ItemKind},
    quality, report,
    store::{self, BankRow, ItemVersionRow, VersionRow},
};
use crate::{
    accounts::{
        Staff,
        model::{Action, Role},
    },
    clock, orgs,
    orgs::model::Organisation,
    vocab::Lang,
    web::{
        AppError, AppState, Chrome,
        pager::{PageQuery, Paged},
        render,
    },
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    super::upload::routes(cfg);
    super::help::routes(cfg);
    cfg.route("/banks", web::get().to(list))
        .route("/banks/template.xlsx", web::get().to(template))
        .route("/banks/template.docx", web::get().to(word_template))
        .route("/banks/{id}", web::get().to(detail))
        .route("/banks/{id}/items/{version}", web::get().to(preview))
        .route("/media/{sha256}", web::get().to(media));
}

/// A module to choose on the upload form: code, name, and its topics (code, name).
type ModuleChoice = (String, String, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "banks/list.html")]
struct ListPage {
    chrome: Chrome,
    banks: Paged<BankRow>,
    organisations: Vec<Organisation>,
    limit: String,
}

impl ListPage {
    fn file_hint(&self) -> String {
        self.chrome
            .fill("bank.file_hint", &[("limit", &self.limit)])
    }

    /// The formats to choose from, by name, with their labels.
    fn formats(&self) -> Vec<(&'static str, &'static str)> {
        super::formats::Format::ALL
            .iter()
            .map(|f| (f.name(), f.label()))
            .collect()
    }

    /// Modules with their topics: (code, name, [(topic code, topic name)]).
    fn modules(&self) -> Vec<ModuleChoice> {
        let lang = self.chrome.lang;
        catalog()
            .modules
            .iter()
            .map(|m| {
                let topics = m
                    .topics
                    .iter()
                    .map(|t| (t.code.clone(), t.name(lang).to_string()))
                    .collect();
                (m.code.clone(), m.name(lang).to_string(), topics)
            })
            .collect()
    }

    fn levels(&self) -> Vec<(String, String)> {
        super::model::Difficulty::ALL
            .iter()
            .map(|d| (format!("{d:?}"), self.chrome.t(d.label_key()).to_string()))
            .collect()
    }

    fn is_sample(&self, code: &str) -> bool {
        super::shipped::is_sample(code)
    }

    fn any_sample(&self) -> bool {
        self.banks
            .rows
            .iter()
            .any(|b| super::shipped::is_sample(&b.code))
    }

    fn module_name(&self, code: &str) -> String {
        catalog()
            .module(code)
            .map(|m| m.name(self.chrome.lang).to_string())
            .unwrap_or_default()
    }
}

async fn list(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageBanks)?;
    let own = (staff.user.role != Role::Admin).then_some(staff.user.organisation_id.as_str());
    let banks = store::banks_of(&state.db.read, &staff.user.department_id, own).await?;
    let organisations = if staff.user.role == Role::Admin {
        orgs::store::of_department(&state.db.read, &staff.user.department_id).await?
    } else {
        vec![]
    };
    let limit = super::source::human_size(state.settings.upload_limit_bytes);
    render(
        &ListPage {
            chrome: staff.chrome,
            banks: Paged::from_query(banks, &query),
            organisations,
            limit,
        },
        200,
    )
}

/// The bank, if this staff member may see it.
async fn visible_bank(staff: &Staff, state: &AppState, id: &str) -> Result<BankRow, AppError> {
    staff.require(Action::ManageBanks)?;
    let bank = store::bank(&state.db.read, id)
        .await?
        .ok_or(AppError::NotFound)?;
    orgs::visible_to(&state.db, &staff.user, &bank.organisation_id).await?;
    Ok(bank)
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

#[derive(Template)]
#[template(path = "banks/preview.html")]
struct PreviewPage {
    chrome: Chrome,
    bank: BankRow,
    item: Item,
    item_html: String,
    version: i64,
    key_correction: bool,
    sample: bool,
}

impl PreviewPage {
    fn topic_name(&self) -> String {
        catalog()
            .topic(&self.item.topic)
            .map(|(_, t)| t.name(self.chrome.lang).to_string())
            .unwrap_or_default()
    }
}

async fn preview(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (bank_id, version_id) = path.into_inner();
    let bank = visible_bank(&staff, &state, &bank_id).await?;
    let (row, owner) = store::item_version(&state.db.read, &version_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if owner != bank.id {
        return Err(AppError::NotFound);
    }
    let item = row.item().map_err(anyhow::Error::from)?;
    let item_html = ItemView {
        chrome: &staff.chrome,
        item: &item,
        show_key: true,
        prefix: String::new(),
    }
    .html()
    .map_err(anyhow::Error::from)?;
    render(
        &PreviewPage {
            sample: super::shipped::is_sample(&bank.code),
            chrome: staff.chrome,
            bank,
            item,
            item_html,
            version: row.number,
            key_correction: row.key_correction != 0,
        },
        200,
    )
}

/// Pictures by SHA-256: the address is the content, so it is cached for a year.
async fn media(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let sha = path.into_inner();
    if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let (mime, bytes) = store::media(&state.db.read, &sha)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(bytes))
}

/// The spreadsheet template for banks kept in Excel (the layout `spreadsheet` reads).
async fn template(staff: Staff) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageBanks)?;
    let bytes = super::spreadsheet::template_xlsx()?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"mau-ngan-hang-cau-hoi.xlsx\"",
        ))
        .body(bytes))
}

/// The Word template: a sample bank showing the convention the Word reader follows.
async fn word_template(staff: Staff) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageBanks)?;
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"mau-ngan-hang-cau-hoi.docx\"",
        ))
        .body(super::word::sample::template()))
}
