//! A person's credit record for staff (`/people/{id}/credits`): total credits, every ledger
//! line, certificates with their state, earlier certificates and their scans, the regrades
//! that changed a result of theirs, and the form to record an earlier certificate. Visible to
//! the admins of the person's department and the managers of any of its centres (credits
//! accumulate across centres); the results behind them are linked only where the results
//! pages' scoping lets the viewer in.

use std::collections::HashSet;

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    certificate::{self, CertificateView, State},
    model, record,
    record::{EarlierLine, Line, RegradeLine},
    store,
};
use crate::{
    accounts::{
        Staff,
        model::{Action, Role},
    },
    banks::catalog::catalog,
    people::{self, model::Person},
    sessions::store::Scope,
    vocab::Lang,
    web::{AppError, AppState, Chrome},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/people/{id}/credits", web::get().to(page))
        .route(
            "/people/{id}/credits/earlier/{earlier}/scan",
            web::get().to(scan),
        );
}

/// The person, if this staff member may see their credits: an admin or a centre manager of
/// the person's department (proctors: 403; another department: 404).
pub async fn visible(staff: &Staff, state: &AppState, id: &str) -> Result<Person, AppError> {
    staff.require(Action::ManageResults)?;
    let person = people::store::by_id(&state.db.read, id)
        .await?
        .ok_or(AppError::NotFound)?;
    super::pages::may_see_credits(staff, &person.department_id)?;
    Ok(person)
}

/// The earlier-certificate form as typed (kept when it is refused).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EarlierForm {
    pub equivalence: String,
    pub number: String,
    pub issuer: String,
    pub issued_on: String,
}

/// What is wrong with a form: (field, message), in the order found.
pub type Problems = Vec<(&'static str, String)>;

/// The notices a redirect may ask this page to show.
const NOTICES: [&str; 2] = ["credit.earlier.recorded", "credit.revoke.done"];

#[derive(Template)]
#[template(path = "credits/person.html")]
pub struct RecordPage {
    chrome: Chrome,
    person: Person,
    /// The viewer may open the person's page (`/people/{id}`).
    record_link: bool,
    credits: u32,
    lines: Vec<Line>,
    /// Attempts whose result pages the viewer may open.
    attempts: HashSet<String>,
    certificates: Vec<CertificateView>,
    earlier: Vec<EarlierLine>,
    regrades: Vec<RegradeLine>,
    form: EarlierForm,
    problems: Problems,
    notice: Option<&'static str>,
    revocable: HashSet<String>,
}

impl RecordPage {
    fn lang(&self) -> Lang {
        self.chrome.lang
    }

    /// The catalog's equivalences: (code, name in the viewer's language).
    fn equivalences(&self) -> Vec<(String, String)> {
        catalog()
            .equivalences
            .iter()
            .map(|e| {
                (
                    e.code.clone(),
                    record::equivalence_label(&e.code, self.lang()),
                )
            })
            .collect()
    }

    fn problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    fn result_link(&self, line: &Line) -> Option<String> {
        let attempt = line.attempt_id.as_ref()?;
        let session = line.session_id.as_ref()?;
        self.attempts
            .contains(attempt)
            .then(|| format!("/sessions/{session}/results/{attempt}"))
    }

    /// Why a certificate no longer stands, in words.
    fn state_detail(&self, c: &CertificateView) -> String {
        let chrome = &self.chrome;
        match &c.state {
            State::Revoked { cause, reason } => chrome.fill(
                "credit.person.revoked_detail",
                &[
                    ("cause", chrome.t(record::cause_key(cause))),
                    ("reason", reason),
                ],
            ),
            State::Replaced { by } => chrome.fill("credit.person.replaced_detail", &[("by", by)]),
            State::Expired => chrome.fill(
                "credit.person.expired_detail",
                &[("date", &c.expires_display().unwrap_or_default())],
            ),
            State::Valid => String::new(),
        }
    }

    fn scan_hint(&self) -> String {
        let limit = format!("{} MB", super::scan::MAX_SCAN_BYTES / (1024 * 1024));
        self.chrome
            .fill("credit.earlier.scan_hint", &[("limit", &limit)])
    }
}

/// Renders the record, with the earlier-certificate form as typed and its problems.
pub async fn render_record(
    staff: Staff,
    state: &AppState,
    person: Person,
    form: EarlierForm,
    problems: Problems,
    notice: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    let pool = &state.db.read;
    let user = &staff.user;
    let standing = {
        let mut conn = pool.acquire().await?;
        let entries = store::standing_entries(&mut conn, &person.id).await?;
        let earlier = store::standing_earlier(&mut conn, &person.id).await?;
        model::standing(catalog(), &entries, &earlier)
    };
    let lines = record::lines(pool, &person.id).await?;
    let revocable = lines
        .iter()
        .filter(|l| l.may_revoke(user))
        .map(|l| l.id.clone())
        .collect();
    let attempts = record::visible_attempts(pool, &person.id, Scope::of(user))
        .await?
        .into_iter()
        .collect();
    let record_link = user.role == Role::Admin
        || people::store::on_centre_roster(pool, &person.id, &user.organisation_id).await?;
    let status = if problems.is_empty() { 200 } else { 422 };
    let page = RecordPage {
        certificates: certificate::of_person(pool, &person.id).await?,
        earlier: record::earlier(pool, &person.id).await?,
        regrades: record::regrades(pool, &person.id, Scope::of(user)).await?,
        credits: standing.credits,
        record_link,
        lines,
        attempts,
        revocable,
        form,
        problems,
        notice,
        person,
        chrome: staff.chrome,
    };
    crate::web::render(&page, status)
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let person = visible(&staff, &state, &path).await?;
    let notice = query
        .notice
        .as_deref()
        .and_then(|n| NOTICES.into_iter().find(|k| *k == n));
    render_record(
        staff,
        &state,
        person,
        EarlierForm::default(),
        Problems::new(),
        notice,
    )
    .await
}

/// An earlier certificate's scan, for the staff who may see the record; never cached.
async fn scan(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (person_id, earlier_id) = path.into_inner();
    let person = visible(&staff, &state, &person_id).await?;
    let (mime, bytes, name) = record::scan(&state.db.read, &person.id, &earlier_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let extension = match mime.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    // The uploaded name is only a hint: the served name is plain ASCII with the right type.
    let stem: String = name
        .rsplit_once('.')
        .map_or(name.as_str(), |(stem, _)| stem)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(60)
        .collect();
    let stem = if stem.is_empty() { "scan" } else { &stem };
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{stem}.{extension}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(bytes))
}
