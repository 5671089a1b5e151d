//! Uploading a bank through the browser: the file is checked in a child process (`checker`)
//! and the report shown; only when the manager confirms is the checked result imported, without
//! reading the file again. Nothing is imported from a file with errors.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    foreign::Defaults,
    formats::{Format, ReadOptions},
    import::{ImportError, ImportOptions, import_bank},
    model::Difficulty,
    report::{FileReport, args},
    source, store,
    upload_preview::UploadPreview,
};
use crate::{
    accounts::{Staff, model::Action},
    checker::{self, BankCheck},
    orgs,
    web::{AppError, AppState, Chrome, multipart, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/banks/upload", web::post().to(upload))
        .route("/banks/upload/{id}/confirm", web::post().to(confirm));
    super::upload_preview::routes(cfg);
}

#[derive(Template)]
#[template(path = "banks/report.html")]
struct ReportPage {
    chrome: Chrome,
    report: FileReport,
    lines: Vec<String>,
    /// The items read per type, named in the page's language.
    counts: Vec<(String, usize)>,
    preview: Option<UploadPreview>,
    pending_id: Option<String>,
    key_correction: bool,
    reason: String,
    problems: Vec<String>,
}

impl ReportPage {
    fn errors_found(&self) -> String {
        self.chrome.fill(
            "bank.errors_found",
            &[("n", &self.report.errors.len().to_string())],
        )
    }
    fn valid(&self) -> String {
        self.chrome
            .fill("bank.valid", &[("n", &self.report.items.to_string())])
    }
    /// Key corrections concern a bank's earlier version: offered only when the bank exists.
    fn offers_key_correction(&self) -> bool {
        self.preview.as_ref().is_some_and(|p| p.existing.is_some())
    }
    fn existing(&self, bank: &store::BankRow) -> String {
        self.chrome.fill(
            "bank.confirm.existing",
            &[
                ("items", &bank.items.to_string()),
                ("versions", &bank.versions.to_string()),
            ],
        )
    }
    fn first_questions(&self) -> String {
        let shown = self.preview.as_ref().map_or(0, |p| p.items.len());
        self.chrome.fill(
            "bank.confirm.first",
            &[
                ("n", &shown.to_string()),
                ("total", &self.report.items.to_string()),
            ],
        )
    }
}

/// The organisation the banks go to: a manager's own centre; for an admin, the one chosen.
async fn target_organisation(
    staff: &Staff,
    state: &AppState,
    chosen: &str,
) -> Result<String, AppError> {
    if staff.user.role != crate::accounts::model::Role::Admin {
        return Ok(staff.user.organisation_id.clone());
    }
    let org = orgs::store::by_id(&state.db.read, chosen)
        .await?
        .filter(|o| o.visible_to(&staff.user))
        .ok_or(AppError::BadRequest("error.organisation_invalid"))?;
    Ok(org.id)
}

async fn upload(
    staff: Staff,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageBanks)?;
    let limit = state.settings.upload_limit_bytes;
    let form = multipart::read(payload, limit).await?;
    let organisation_id =
        target_organisation(&staff, &state, &form.text("organisation_id")).await?;
    let chosen = |name: &str| Some(form.text(name).trim().to_string()).filter(|v| !v.is_empty());
    let read_options = ReadOptions {
        from: chosen("format").and_then(|f| Format::parse(&f)),
        defaults: Defaults {
            code: chosen("code"),
            module: chosen("module"),
            topic: chosen("topic"),
            level: chosen("level").and_then(|l| Difficulty::parse(&l)),
        },
    };
    let (checked, report) = if form.too_large {
        let mut report = FileReport::new(&form.file_name, "upload");
        let args = args![limit = source::human_size(limit)];
        report.error(0, "bank.too_large", args);
        (None, report)
    } else if form.file().is_empty() {
        let mut report = FileReport::new("—", "upload");
        report.error(0, "bank.no_file", vec![]);
        (None, report)
    } else {
        match state
            .checker
            .bank(&form.file_name, &read_options, form.file())
            .await
        {
            Ok((report, checked)) => (checked, report),
            Err(failure) => {
                let mut report = FileReport::new(&form.file_name, "upload");
                let (key, args) = failure.message(state.checker.settings());
                report.error(0, key, args);
                (None, report)
            }
        }
    };
    let mut tx = state.db.begin_write().await?;
    store::prune_pending(&mut tx).await?;
    let pending = match checked.filter(|_| !report.has_errors()) {
        Some(checked) => Some((
            store::insert_pending(
                &mut tx,
                &organisation_id,
                &staff.user.id,
                &form.file_name,
                checked.clone(),
                &serde_json::to_string(&read_options).expect("options serialise"),
            )
            .await?,
            checked,
        )),
        None => None,
    };
    tx.commit().await?;
    let (pending_id, preview) = match pending {
        Some((id, checked)) => {
            let preview =
                UploadPreview::of_check(&state, &staff.chrome, &organisation_id, &id, checked)
                    .await?;
            (Some(id), preview)
        }
        None => (None, None),
    };
    let status = if pending_id.is_some() { 200 } else { 422 };
    let page = ReportPage {
        lines: report.lines(staff.chrome.lang),
        counts: report.per_type(staff.chrome.lang),
        chrome: staff.chrome,
        report,
        preview,
        pending_id,
        key_correction: false,
        reason: String::new(),
        problems: vec![],
    };
    render(&page, status)
}

#[derive(Deserialize)]
struct ConfirmForm {
    key_correction: Option<String>,
    reason: Option<String>,
}

async fn confirm(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageBanks)?;
    let pending = store::pending(&state.db.read, &path)
        .await?
        .filter(|p| p.user_id == staff.user.id)
        .ok_or(AppError::NotFound)?;
    let Ok(BankCheck {
        bank: Some(parsed),
        report,
    }) = checker::decode(pending.checked).await
    else {
        return Err(AppError::BadRequest("bank.upload_changed"));
    };
    let reason = form.reason.clone().unwrap_or_default();
    let key_correction = form.key_correction.is_some();
    // A correction is recorded with its reason, or not at all: a ticked box without one is
    // sent back, never imported as if it were not ticked.
    let unexplained = key_correction && reason.trim().is_empty();
    let options = ImportOptions {
        key_correction: key_correction.then_some(reason.trim()),
        actor: Some(&staff.user.id),
    };
    let imported = if unexplained {
        Err(ImportError::Content(vec![("bank.reason_required", vec![])]))
    } else {
        import_bank(
            &state.db,
            &pending.organisation_id,
            &pending.file_name,
            &parsed,
            options,
        )
        .await
    };
    match imported {
        Ok(outcome) => {
            let mut tx = state.db.begin_write().await?;
            store::delete_pending(&mut tx, &pending.id).await?;
            tx.commit().await?;
            let version = outcome
                .version
                .map(|v| v.to_string())
                .unwrap_or_else(|| "0".into());
            let target = format!("/banks/{}?imported={version}", outcome.bank_id);
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish())
        }
        Err(ImportError::Content(problems)) => {
            let lang = staff.chrome.lang;
            let preview = UploadPreview::build(
                &state,
                &staff.chrome,
                &pending.organisation_id,
                &pending.id,
                &parsed.meta,
                &parsed.items,
            )
            .await?;
            let page = ReportPage {
                chrome: staff.chrome,
                lines: report.lines(lang),
                counts: report.per_type(lang),
                preview: Some(preview),
                report,
                pending_id: Some(pending.id),
                key_correction,
                reason,
                problems: ImportError::render_all(&problems, lang),
            };
            render(&page, 422)
        }
        Err(ImportError::Database(e)) => Err(e.into()),
    }
}
