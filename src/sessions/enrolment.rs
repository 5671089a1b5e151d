//! Putting candidates on a session's roster: one at a time from a form (checked by the same
//! rules as a file), or a whole roster from CSV or `.xlsx` (checked in a child process, see
//! `checker`), all or nothing.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;
use sqlx::AnyConnection;

use super::{
    model::ExamSession,
    pages::DetailPage,
    roster::{RowProblem, parse_roster},
    visible_to,
};
use crate::{
    accounts::{Staff, model::Action},
    attempts::{
        model::access_code_digest,
        store::{self as attempts, LogEntry, Note},
    },
    banks::report,
    checker::RosterCheck,
    people::{
        model::{Category, RosterRow},
        store as people,
    },
    sheets,
    vocab::Lang,
    web::{AppError, AppState, Chrome, FormErrors, multipart, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/candidates", web::post().to(add_one))
        .route("/sessions/{id}/roster", web::post().to(import));
}

/// The add-a-candidate form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CandidateForm {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub national_id: String,
    #[serde(default)]
    pub other_id: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub email: String,
    pub confirm: Option<String>,
}

impl CandidateForm {
    /// The form as a one-row roster, so it is checked exactly as a file would be.
    fn as_table(&self) -> sheets::Table {
        let header = super::roster::TEMPLATE_HEADER;
        let sex = match self.sex.as_str() {
            "male" => "Nam",
            "female" => "Nữ",
            _ => "",
        };
        let group = Category::parse(&self.group)
            .unwrap_or_default()
            .roster_word();
        let values = [
            &self.full_name,
            &self.birth_date,
            sex,
            &self.national_id,
            &self.other_id,
            &self.unit,
            group,
            &self.email,
        ];
        vec![
            (1, header.iter().map(|h| h.to_string()).collect()),
            (2, values.iter().map(|v| v.to_string()).collect()),
        ]
    }
}

/// The form field a roster problem belongs to.
fn field_of(key: &str) -> &'static str {
    match key {
        "person.name_missing" => "full_name",
        "person.birth_invalid" | "words.birth_no_such_day" | "words.birth_year" => "birth_date",
        _ => "national_id",
    }
}

/// A roster problem as a sentence: `Dòng 4: …`, or `Dòng 4 (“31/02/2009”): …` when the message
/// does not quote the value itself (the add-a-candidate form shows those messages beside the
/// typed value).
pub fn describe(problem: &RowProblem, lang: Lang) -> String {
    let row = problem.row.to_string();
    let value = &problem.value;
    let at = if value.is_empty() || lang.t(problem.key).contains("{value}") {
        lang.fill("person.row", &[("row", &row)])
    } else {
        lang.fill("words.row_value", &[("row", &row), ("value", value)])
    };
    format!("{at}: {}", lang.fill(problem.key, &[("value", value)]))
}

/// The session, if it may still take candidates and this user may manage its roster.
async fn open_roster(staff: &Staff, state: &AppState, id: &str) -> Result<ExamSession, AppError> {
    staff.require(Action::ScheduleSessions)?;
    let session = visible_to(&state.db, &staff.user, id).await?;
    if let Some(key) = session.over() {
        return Err(AppError::Conflict(key));
    }
    Ok(session)
}

/// The digest of an attempt's access code of a generation, derived from the server secret.
pub(super) fn code_digest(state: &AppState) -> impl Fn(&str, i64) -> String + '_ {
    |attempt: &str, generation: i64| {
        access_code_digest(
            state.server_key(),
            &crate::attempts::access_code(state.server_key(), attempt, generation),
        )
    }
}

/// Adds roster rows to a session in the caller's transaction: each person is found or created
/// in the department, then given a candidate number and an access code (stored as
/// `code_digest(attempt, generation)`). Returns (row, candidate number, or None when the
/// person was already on the roster).
pub async fn enrol(
    conn: &mut AnyConnection,
    session: &ExamSession,
    department_id: &str,
    actor: Option<&str>,
    rows: &[RosterRow],
    code_digest: &dyn Fn(&str, i64) -> String,
) -> sqlx::Result<Vec<(usize, Option<String>)>> {
    let mut added = Vec::with_capacity(rows.len());
    for row in rows {
        let person = people::resolve_roster_row(&mut *conn, department_id, row).await?;
        let attempt =
            attempts::add_to_roster(&mut *conn, &session.id, &session.code, &person, code_digest)
                .await?;
        let number = match attempt {
            Some((attempt_id, number)) => {
                let note = Note {
                    actor,
                    detail: format!("{number} {}", row.full_name),
                    ..Note::default()
                };
                let entry = LogEntry {
                    session_id: &session.id,
                    attempt_id: Some(&attempt_id),
                    action: "roster_add",
                    states: None,
                    note,
                };
                attempts::log(&mut *conn, entry).await?;
                Some(number)
            }
            None => None,
        };
        added.push((row.row, number));
    }
    Ok(added)
}

/// Rows added (with their candidate numbers), or the rows refused because the department
/// knows their CCCD under another name or birth date.
type Enrolment = Result<Vec<(usize, Option<String>)>, Vec<usize>>;

/// Enrols rows as this staff member, in a transaction of its own. A row whose CCCD the
/// department knows with another name or birth date refuses the whole roster: the person may
/// be another centre's, whose record is shown to no other centre, so the row must match it;
/// the person is flagged for an admin, the only one who settles a conflict.
async fn enrol_now(
    staff: &Staff,
    state: &AppState,
    session: &ExamSession,
    rows: &[RosterRow],
) -> Result<Enrolment, AppError> {
    let mut tx = state.db.begin_write().await?;
    let department = &staff.user.department_id;
    let actor = Some(staff.user.id.as_str());
    let mismatched = people::mismatched_rows(&mut tx, department, rows).await?;
    if !mismatched.is_empty() {
        for (row, person, claim) in &mismatched {
            people::flag_conflict(&mut tx, &person.id, claim).await?;
            tracing::warn!(session.id = %session.id, person.id = %person.id, row, "roster row refused: its CCCD is known with another name or birth date");
        }
        tx.commit().await?;
        return Ok(Err(mismatched.into_iter().map(|(row, ..)| row).collect()));
    }
    let added = enrol(
        &mut tx,
        session,
        department,
        actor,
        rows,
        &code_digest(state),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(added))
}

async fn add_one(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<CandidateForm>,
) -> Result<HttpResponse, AppError> {
    let session = open_roster(&staff, &state, &path).await?;
    let form = form.into_inner();
    let (rows, problems) = parse_roster(&form.as_table());
    let lang = staff.chrome.lang;
    let mut errors = FormErrors::default();
    for p in problems.iter().filter(|p| p.error) {
        if errors.get(field_of(p.key)).is_none() {
            errors.push((field_of(p.key), p.key));
        }
    }
    let warnings: Vec<String> = problems
        .iter()
        .filter(|p| !p.error)
        .map(|p| lang.fill(p.key, &[("value", &p.value)]))
        .collect();
    let ready = errors.is_empty() && (warnings.is_empty() || form.confirm.is_some());
    let enrolled = if ready {
        enrol_now(&staff, &state, &session, &rows).await?
    } else {
        Err(vec![])
    };
    if let Err(refused) = &enrolled
        && !refused.is_empty()
    {
        errors.push(("national_id", "person.cccd_known_mismatch"));
    }
    if let Ok(added) = enrolled {
        let target = match added.first().and_then(|(_, n)| n.clone()) {
            Some(number) => format!("/sessions/{}?added={number}#roster", session.id),
            None => format!("/sessions/{}?added=already#roster", session.id),
        };
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, target))
            .finish());
    }
    let mut page = DetailPage::load(staff, &state, &session.id).await?;
    page.form = form;
    page.errors = errors;
    page.warnings = warnings;
    render(&page, 422)
}

#[derive(Template)]
#[template(path = "sessions/import.html")]
struct ImportPage {
    chrome: Chrome,
    session: ExamSession,
    file_name: String,
    errors: Vec<String>,
    warnings: Vec<String>,
    added: usize,
    already: usize,
}

async fn import(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let session = open_roster(&staff, &state, &path).await?;
    let upload = multipart::read(payload, state.settings.upload_limit_bytes).await?;
    let lang = staff.chrome.lang;
    let (rows, problems) = if upload.too_large || upload.file().is_empty() {
        let key = if upload.too_large {
            "sheet.too_large"
        } else {
            "sheet.no_file"
        };
        (
            vec![],
            vec![RowProblem {
                row: 0,
                error: true,
                key,
                value: String::new(),
            }],
        )
    } else {
        match state.checker.roster(&upload.file_name, upload.file()).await {
            Ok(RosterCheck { rows, problems }) => (rows, problems),
            Err(failure) => {
                let (key, args) = failure.reason(state.checker.settings());
                let problem = RowProblem {
                    row: 0,
                    error: true,
                    key: "checker.failed",
                    value: report::render(lang, key, &args),
                };
                (vec![], vec![problem])
            }
        }
    };
    let text = |p: &RowProblem| {
        if p.row == 0 {
            lang.fill(p.key, &[("value", &p.value)])
        } else {
            describe(p, lang)
        }
    };
    let errors: Vec<String> = problems.iter().filter(|p| p.error).map(text).collect();
    let mut warnings: Vec<String> = problems.iter().filter(|p| !p.error).map(text).collect();
    let (mut added, mut already) = (0, 0);
    let enrolled = if errors.is_empty() {
        enrol_now(&staff, &state, &session, &rows).await?
    } else {
        Ok(vec![])
    };
    let refused = |row| RowProblem {
        row,
        error: true,
        key: "person.cccd_known_mismatch",
        value: String::new(),
    };
    let errors = match &enrolled {
        Err(rows) => rows.iter().map(|r| describe(&refused(*r), lang)).collect(),
        Ok(_) => errors,
    };
    if let Ok(enrolled) = enrolled {
        for (row, number) in enrolled {
            match number {
                Some(_) => added += 1,
                None => {
                    already += 1;
                    let problem = RowProblem {
                        row,
                        error: false,
                        key: "person.already_on_roster",
                        value: String::new(),
                    };
                    warnings.push(describe(&problem, lang));
                }
            }
        }
        tracing::info!(session.id = %session.id, added, already, "roster imported");
    }
    let status = if errors.is_empty() { 200 } else { 422 };
    let page = ImportPage {
        chrome: staff.chrome,
        session,
        file_name: upload.file_name,
        errors,
        warnings,
        added,
        already,
    };
    render(&page, status)
}
