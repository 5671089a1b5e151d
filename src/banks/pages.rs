//! Bank pages for centre managers and admins: the list with the upload form and an item
//! preview rendered as candidates will see it (with the key, for staff only); a bank's own page
//! is in `detail`. Pictures are served by content hash.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;

use super::{
    catalog::catalog,
    item_view::ItemView,
    model::Item,
    store::{self, BankRow},
};
use crate::{
    accounts::{
        Staff,
        model::{Action, Role},
    },
    orgs,
    orgs::model::Organisation,
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
        .route("/banks/{id}/items/{version}", web::get().to(preview))
        .route("/media/{sha256}", web::get().to(media));
    // After the template files, whose paths `/banks/{id}` would also match.
    super::detail::routes(cfg);
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
pub(crate) async fn visible_bank(
    staff: &Staff,
    state: &AppState,
    id: &str,
) -> Result<BankRow, AppError> {
    staff.require(Action::ManageBanks)?;
    let bank = store::bank(&state.db.read, id)
        .await?
        .ok_or(AppError::NotFound)?;
    orgs::visible_to(&state.db, &staff.user, &bank.organisation_id).await?;
    Ok(bank)
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
