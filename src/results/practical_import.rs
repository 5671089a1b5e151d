//! A grading board's file of practical scores (`POST /sessions/{id}/practical/import`): read
//! in the upload checker's child, matched against the session, and entered all or nothing in
//! one write transaction (a row repeating the score already entered for its marking is left
//! as it is); and the template the board fills in (`GET /sessions/{id}/practical/template.csv`).

use actix_multipart::Multipart;
use actix_web::{HttpResponse, http::header, web};

use super::{
    practical::{self, Entry, EntryRefusal, Scope},
    practical_file::{Column, PracticalFile, heading_key, problem},
    practical_match::{Matched, OnRoster, match_rows},
    practical_page::{EntryForm, open, page, refusal_text},
};
use crate::{
    accounts::Staff,
    attempts::{model::AttemptState, store as attempts},
    banks::report::{Diagnostic, args},
    blueprints::model::Part,
    clock,
    sessions::model::ExamSession,
    sheets,
    vocab::Lang,
    web::{AppError, AppState, download, multipart, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/practical/import", web::post().to(import))
        .route(
            "/sessions/{id}/practical/template.csv",
            web::get().to(template),
        );
}

/// A problem as the board reads it: "Dòng 7: …" (or the message alone for the whole file).
fn describe(problem: &Diagnostic, lang: Lang) -> String {
    let message = problem.message(lang);
    if problem.line == 0 {
        message
    } else {
        let row = problem.line.to_string();
        format!("{}: {message}", lang.fill("person.row", &[("row", &row)]))
    }
}

/// The uploaded file read by the checker, or why it cannot be used.
async fn read(state: &AppState, upload: &multipart::Upload) -> Result<PracticalFile, Diagnostic> {
    if upload.too_large {
        return Err(problem(0, "practical.too_large", args![]));
    }
    if upload.file().is_empty() {
        return Err(problem(0, "practical.no_file", args![]));
    }
    state
        .checker
        .practical(&upload.file_name, upload.file())
        .await
        .map_err(|failure| {
            let (key, args) = failure.message(state.checker.settings());
            problem(0, key, args)
        })
}

async fn import(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let (session, blueprint) = open(&staff, &state, &path).await?;
    let upload = multipart::read(payload, state.settings.upload_limit_bytes).await?;
    let lang = staff.chrome.lang;
    let problems = match read(&state, &upload).await {
        Err(problem) => vec![problem],
        Ok(file) if !file.problems.is_empty() => file.problems,
        Ok(file) => {
            let roster = attempts::roster(&state.db.read, &session.id).await?;
            let on_roster: Vec<OnRoster<'_>> = roster
                .iter()
                .map(|e| OnRoster {
                    attempt_id: &e.id,
                    number: &e.candidate_number,
                    submitted: e.clock.state() == AttemptState::Submitted,
                })
                .collect();
            let parts = external_parts(&blueprint.parts);
            match match_rows(&file, &session.code, &on_roster, &parts) {
                Err(problems) => problems,
                Ok(rows) => match enter_all(&staff, &state, &session, &rows).await? {
                    Ok((entered, unchanged)) => {
                        tracing::info!(session.id = %session.id, entered, unchanged, "practical scores imported");
                        return Ok(HttpResponse::SeeOther()
                            .insert_header((
                                header::LOCATION,
                                format!(
                                    "/sessions/{}/practical?entered={entered}&unchanged={unchanged}",
                                    session.id
                                ),
                            ))
                            .finish());
                    }
                    Err(problem) => vec![problem],
                },
            }
        }
    };
    tracing::info!(session.id = %session.id, upload.file = %upload.file_name, problems = problems.len(), "practical scores file refused");
    let mut page = page(staff, &state, &path, None, None, EntryForm::default()).await?;
    page.import_errors = problems.iter().map(|p| describe(p, lang)).collect();
    render(&page, 422)
}

/// Enters every changed row in one write transaction, audited one by one by `enter`:
/// (entered, unchanged), or the row `enter` refused (then nothing is entered).
async fn enter_all(
    staff: &Staff,
    state: &AppState,
    session: &ExamSession,
    rows: &[Matched],
) -> Result<Result<(usize, usize), Diagnostic>, AppError> {
    let mut tx = state.db.begin_write().await?;
    let latest = practical::latest(&mut *tx, Scope::Session(&session.id)).await?;
    let at = clock::now_ms();
    let (mut entered, mut unchanged) = (0, 0);
    for row in rows {
        if row.unchanged(&latest) {
            unchanged += 1;
            continue;
        }
        let entry = Entry {
            attempt_id: &row.attempt_id,
            part_code: &row.part_code,
            marking: row.marking,
            points: row.points,
            grader: &row.grader,
            entered_by: &staff.user.id,
            source: "import",
            at,
        };
        match practical::enter(&mut tx, entry).await {
            Ok(_) => entered += 1,
            Err(EntryRefusal::Failed(e)) => return Err(e.into()),
            Err(refusal) => {
                tx.rollback().await?;
                let text = refusal_text(&refusal, staff.chrome.lang);
                return Ok(Err(problem(
                    row.row,
                    "practical.file.refused",
                    args![reason = text],
                )));
            }
        }
    }
    tx.commit().await?;
    Ok(Ok((entered, unchanged)))
}

fn external_parts(parts: &[Part]) -> Vec<&Part> {
    parts
        .iter()
        .filter(|p| p.external_max_points.is_some())
        .collect()
}

/// The file the board fills in: a row per submitted candidate, part and first-round marking
/// (1, and 2 for a part marked by two graders), scores and graders left empty.
async fn template(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (session, blueprint) = open(&staff, &state, &path).await?;
    let lang = staff.chrome.lang;
    let parts = external_parts(&blueprint.parts);
    let several = parts.len() > 1;
    let mut header = vec![
        lang.t(heading_key(Column::Number)),
        lang.t("practical.column.name"),
    ];
    if several {
        header.push(lang.t(heading_key(Column::Part)));
    }
    header
        .extend([Column::Marking, Column::Points, Column::Grader].map(|c| lang.t(heading_key(c))));
    let roster = attempts::roster(&state.db.read, &session.id).await?;
    let mut rows = Vec::new();
    for entry in roster
        .iter()
        .filter(|e| e.clock.state() == AttemptState::Submitted)
    {
        for part in &parts {
            let graders = part.marking.unwrap_or_default().graders;
            for marking in 1..=graders.clamp(1, 2) {
                let mut row = vec![entry.candidate_number.clone(), entry.full_name.clone()];
                if several {
                    row.push(part.code.clone());
                }
                row.extend([marking.to_string(), String::new(), String::new()]);
                rows.push(row);
            }
        }
    }
    let bytes = sheets::csv_with_bom(&header, &rows)?;
    let name = format!("{}-{}.csv", lang.t("practical.template_file"), session.code);
    Ok(download(bytes, "text/csv; charset=utf-8", name))
}
