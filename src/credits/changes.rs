//! Staff changes on a person's credit record, as forms: recording a recognised earlier
//! certificate with its scan, and revoking a line with a cause and a reason. Both need
//! `ManageResults`, carry the CSRF token, and go through `credits::earlier` (audited; the
//! certificates follow in the same transaction).

use actix_multipart::Multipart;
use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    earlier::{self, EarlierRefusal, NewEarlier},
    person::{EarlierForm, Problems, render_record, visible},
    record::{self, Line},
    scan::{MAX_SCAN_BYTES, Scan},
    store::{Cause, Change},
};
use crate::{
    accounts::Staff,
    banks::catalog::catalog,
    clock,
    vocab::{Date, Lang},
    web::{AppError, AppState, Chrome, multipart, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/people/{id}/credits/earlier",
        web::post().to(record_earlier),
    )
    .route(
        "/people/{id}/credits/entries/{entry}/revoke",
        web::get().to(revoke_page),
    )
    .route(
        "/people/{id}/credits/entries/{entry}/revoke",
        web::post().to(revoke),
    );
}

/// A required one-line text of at most `max` characters, or what is wrong with it.
fn required(raw: &str, max: usize, missing: &'static str, lang: Lang) -> Result<String, String> {
    crate::text::required_name(raw, max).map_err(|key| match key {
        "error.name_required" => lang.t(missing).to_string(),
        _ => lang.fill("credit.earlier.too_long", &[("max", &max.to_string())]),
    })
}

async fn record_earlier(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let person = visible(&staff, &state, &path).await?;
    // The text fields come before the file, so they survive a file past the limit.
    let upload = multipart::read(payload, MAX_SCAN_BYTES + 64 * 1024).await?;
    let lang = staff.chrome.lang;
    let form = EarlierForm {
        equivalence: upload.text("equivalence"),
        number: upload.text("number"),
        issuer: upload.text("issuer"),
        issued_on: upload.text("issued_on"),
    };
    let mut problems = Problems::new();
    let equivalence = catalog().equivalence(&form.equivalence);
    if equivalence.is_none() {
        problems.push((
            "equivalence",
            lang.t("credit.earlier.equivalence_required").into(),
        ));
    }
    let number = required(&form.number, 60, "credit.earlier.number_required", lang)
        .map_err(|m| problems.push(("number", m)))
        .ok();
    let issuer = required(&form.issuer, 200, "credit.earlier.issuer_required", lang)
        .map_err(|m| problems.push(("issuer", m)))
        .ok();
    let today = clock::local_date(clock::now_ms());
    let issued_on = Date::parse(&form.issued_on).filter(|d| *d <= today);
    if issued_on.is_none() {
        problems.push(("issued_on", lang.t("credit.earlier.date_invalid").into()));
    }
    let scan = Scan::parse(&upload.file_name, upload.file(), upload.too_large)
        .map_err(|key| {
            let limit = format!("{} MB", MAX_SCAN_BYTES / (1024 * 1024));
            problems.push(("file", lang.fill(key, &[("limit", &limit)])));
        })
        .ok();
    if let (Some(number), Some(_)) = (&number, equivalence) {
        let known = record::earlier(&state.db.read, &person.id).await?;
        if known
            .iter()
            .any(|e| e.standing != 0 && e.equivalence == form.equivalence && &e.number == number)
        {
            problems.push(("number", lang.t("credit.earlier.duplicate").into()));
        }
    }
    let (Some(number), Some(issuer), Some(issued_on), Some(scan), true) =
        (number, issuer, issued_on, scan, problems.is_empty())
    else {
        return render_record(staff, &state, person, form, problems, None).await;
    };
    let mut tx = state.db.begin_write().await?;
    scan.store(&mut tx).await?;
    let new = NewEarlier {
        equivalence: &form.equivalence,
        number: &number,
        issuer: &issuer,
        issued_on,
        scan: Some((scan.sha256(), scan.name())),
    };
    match earlier::record(&mut tx, &person.id, &new, &staff.user.id).await {
        Ok(_) => {}
        Err(EarlierRefusal::TooLate(day)) => {
            drop(tx);
            let label = record::equivalence_label(&form.equivalence, lang);
            // The name without its parenthesis (which often states the same limit).
            let name = label.split(" (").next().unwrap_or(&label);
            let message = lang.fill(
                "credit.earlier.too_late",
                &[
                    ("name", name),
                    ("date", &day.display()),
                    ("issued", &issued_on.display()),
                ],
            );
            let problems = vec![("issued_on", message)];
            return render_record(staff, &state, person, form, problems, None).await;
        }
        Err(EarlierRefusal::UnknownEquivalence) => {
            drop(tx);
            let problems = vec![(
                "equivalence",
                lang.t("credit.earlier.equivalence_required").into(),
            )];
            return render_record(staff, &state, person, form, problems, None).await;
        }
        Err(EarlierRefusal::Failed(e)) => return Err(e.into()),
    }
    tx.commit().await?;
    let target = format!(
        "/people/{}/credits?notice=credit.earlier.recorded#earlier",
        person.id
    );
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .finish())
}

#[derive(Clone, Debug, Default, Deserialize)]
struct RevokeForm {
    #[serde(default)]
    cause: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "credits/revoke.html")]
struct RevokePage {
    chrome: Chrome,
    person_id: String,
    person_name: String,
    line: Line,
    form: RevokeForm,
    problems: Problems,
}

impl RevokePage {
    fn problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// The person and the line, if this staff member may revoke it (else 404).
async fn revocable(
    staff: &Staff,
    state: &AppState,
    (person_id, entry_id): &(String, String),
) -> Result<(crate::people::model::Person, Line), AppError> {
    let person = visible(staff, state, person_id).await?;
    let line = record::revocable(&state.db.read, &person.id, entry_id)
        .await?
        .filter(|l| l.may_revoke(&staff.user))
        .ok_or(AppError::NotFound)?;
    Ok((person, line))
}

fn revoke_form(
    staff: Staff,
    person: crate::people::model::Person,
    line: Line,
    form: RevokeForm,
    problems: Problems,
) -> Result<HttpResponse, AppError> {
    let status = if problems.is_empty() { 200 } else { 422 };
    let page = RevokePage {
        chrome: staff.chrome,
        person_id: person.id,
        person_name: person.full_name,
        line,
        form,
        problems,
    };
    render(&page, status)
}

async fn revoke_page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (person, line) = revocable(&staff, &state, &path).await?;
    revoke_form(staff, person, line, RevokeForm::default(), Problems::new())
}

async fn revoke(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<RevokeForm>,
) -> Result<HttpResponse, AppError> {
    let (person, line) = revocable(&staff, &state, &path).await?;
    let form = form.into_inner();
    let lang = staff.chrome.lang;
    let mut problems = Problems::new();
    let cause = match form.cause.as_str() {
        "misconduct" => Some(Cause::Misconduct),
        "correction" => Some(Cause::Correction),
        _ => {
            problems.push(("cause", lang.t("credit.revoke.cause_required").into()));
            None
        }
    };
    let reason = required(&form.reason, 500, "credit.revoke.reason_required", lang)
        .map_err(|m| problems.push(("reason", m)))
        .ok();
    let (Some(cause), Some(reason)) = (cause, reason) else {
        return revoke_form(staff, person, line, form, problems);
    };
    let mut tx = state.db.begin_write().await?;
    let change = Change {
        cause,
        reason: &reason,
        by: Some(&staff.user.id),
    };
    if !earlier::revoke(&mut tx, &person.id, &line.id, change).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    let target = format!(
        "/people/{}/credits?notice=credit.revoke.done#ledger",
        person.id
    );
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .finish())
}
