//! The session report (biên bản ca thi): who sat and who was absent, how each attempt ended,
//! and every action and incident with its reason. A printable page, a CSV with a UTF-8 BOM
//! for Excel, and an `.xlsx` workbook with the candidates and the event log.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;

use super::{
    model::ExamSession,
    store::{self, EventRow},
    visible_to,
};
use crate::{
    accounts::{Staff, model::Action},
    attempts::{
        clock::format_duration,
        model::AttemptState,
        reasons,
        store::{self as attempts, RosterEntry},
    },
    clock, orgs, sheets,
    vocab::{Lang, display_date},
    web::{AppError, AppState, Chrome, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/report", web::get().to(page))
        .route("/sessions/{id}/report.csv", web::get().to(csv))
        .route("/sessions/{id}/events.csv", web::get().to(events_csv))
        .route("/sessions/{id}/report.xlsx", web::get().to(xlsx));
}

/// Everything the report shows.
struct Report {
    session: ExamSession,
    centre_name: String,
    proctors: Vec<(String, String)>,
    roster: Vec<RosterEntry>,
    events: Vec<EventRow>,
}

async fn load(staff: &Staff, state: &AppState, id: &str) -> Result<Report, AppError> {
    staff.require(Action::RunSessions)?;
    let session = visible_to(&state.db, &staff.user, id).await?;
    let centre_name = orgs::store::by_id(&state.db.read, &session.organisation_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(Report {
        proctors: store::proctors(&state.db.read, &session.id).await?,
        roster: attempts::roster(&state.db.read, &session.id).await?,
        events: store::events(&state.db.read, &session.id).await?,
        session,
        centre_name,
    })
}

/// Sat: started the exam at some point. Absent: never started.
fn sat(entry: &RosterEntry) -> bool {
    entry.clock.started_at.is_some()
}

fn candidate_header(lang: Lang) -> Vec<&'static str> {
    [
        "minutes.col_number",
        "minutes.col_name",
        "minutes.col_birth",
        "minutes.col_identifier",
        "minutes.col_unit",
        "minutes.col_state",
        "minutes.col_checked_in",
        "minutes.col_started",
        "minutes.col_ended",
        "minutes.col_end_cause",
        "minutes.col_extra",
        "minutes.col_paused",
        "minutes.col_accommodation",
    ]
    .into_iter()
    .map(|k| lang.t(k))
    .collect()
}

fn time_or_blank(ms: Option<i64>) -> String {
    ms.map(clock::format_local_seconds).unwrap_or_default()
}

fn candidate_row(entry: &RosterEntry, lang: Lang) -> Vec<String> {
    let c = &entry.clock;
    vec![
        entry.candidate_number.clone(),
        entry.full_name.clone(),
        display_date(&entry.birth_date),
        entry.identifier.clone(),
        entry.unit.clone(),
        lang.t(c.state().label_key()).to_string(),
        time_or_blank(c.checked_in_at),
        time_or_blank(c.started_at),
        time_or_blank(c.ended_at),
        c.end_cause
            .as_deref()
            .map(|e| lang.t(&format!("minutes.end_{e}")).to_string())
            .unwrap_or_default(),
        if c.extra_ms > 0 {
            format_duration(c.extra_ms)
        } else {
            String::new()
        },
        if c.paused_ms > 0 {
            format_duration(c.paused_ms)
        } else {
            String::new()
        },
        if c.accommodation_percent > 0 {
            format!("{} %", c.accommodation_percent)
        } else {
            String::new()
        },
    ]
}

fn event_header(lang: Lang) -> Vec<&'static str> {
    [
        "minutes.col_time",
        "minutes.col_actor",
        "minutes.col_number",
        "minutes.col_name",
        "minutes.col_action",
        "minutes.col_reason",
        "minutes.col_comment",
    ]
    .into_iter()
    .map(|k| lang.t(k))
    .collect()
}

/// The action's label, with the state change when there was one.
fn action_label(event: &EventRow, lang: Lang) -> String {
    let action = lang.t(&format!("minutes.action_{}", event.action));
    let state = |s: &Option<String>| {
        s.as_deref()
            .and_then(AttemptState::parse)
            .map(|s| lang.t(s.label_key()))
    };
    match (state(&event.from_state), state(&event.to_state)) {
        (Some(from), Some(to)) if from != to => format!("{action} ({from} → {to})"),
        _ => action.to_string(),
    }
}

fn event_row(event: &EventRow, lang: Lang) -> Vec<String> {
    vec![
        clock::format_local_seconds(event.at),
        event
            .actor_name
            .clone()
            .unwrap_or_else(|| lang.t("minutes.system").to_string()),
        event.candidate_number.clone().unwrap_or_default(),
        event.full_name.clone().unwrap_or_default(),
        action_label(event, lang),
        event
            .reason
            .as_deref()
            .map(|r| lang.t(&reasons::label_key(r)).to_string())
            .unwrap_or_default(),
        [event.comment.as_str(), event.detail.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
    ]
}

#[derive(Template)]
#[template(path = "sessions/report.html")]
struct ReportPage {
    chrome: Chrome,
    report: Report,
    candidate_header: Vec<&'static str>,
    candidates: Vec<Vec<String>>,
    event_header: Vec<&'static str>,
    events: Vec<Vec<String>>,
    sat: usize,
    absent: usize,
    incidents: usize,
}

impl ReportPage {
    fn proctor_names(&self) -> String {
        self.report
            .proctors
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn opened(&self) -> String {
        time_or_blank(self.report.session.opened_at)
    }
    fn closed(&self) -> String {
        time_or_blank(self.report.session.closed_at)
    }
}

async fn page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let report = load(&staff, &state, &path).await?;
    let lang = staff.chrome.lang;
    let sat_count = report.roster.iter().filter(|e| sat(e)).count();
    let page = ReportPage {
        candidate_header: candidate_header(lang),
        candidates: report.candidate_rows(lang),
        event_header: event_header(lang),
        events: report.event_rows(lang),
        sat: sat_count,
        absent: report.roster.len() - sat_count,
        incidents: report.events.iter().filter(|e| e.reason.is_some()).count(),
        chrome: staff.chrome,
        report,
    };
    render(&page, 200)
}

fn download(bytes: Vec<u8>, content_type: &str, file_name: String) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes)
}

impl Report {
    fn candidate_rows(&self, lang: Lang) -> Vec<Vec<String>> {
        self.roster.iter().map(|e| candidate_row(e, lang)).collect()
    }

    fn event_rows(&self, lang: Lang) -> Vec<Vec<String>> {
        self.events.iter().map(|e| event_row(e, lang)).collect()
    }
}

/// The candidates (`report.csv`) or the log (`events.csv`) as CSV for Excel.
async fn csv_of(
    staff: Staff,
    state: &AppState,
    id: &str,
    log: bool,
) -> Result<HttpResponse, AppError> {
    let report = load(&staff, state, id).await?;
    let lang = staff.chrome.lang;
    let (header, rows, suffix) = if log {
        (event_header(lang), report.event_rows(lang), "-nhat-ky")
    } else {
        (candidate_header(lang), report.candidate_rows(lang), "")
    };
    let bytes = sheets::csv_with_bom(&header, &rows)?;
    let name = format!("ca-thi-{}{suffix}.csv", report.session.code);
    Ok(download(bytes, "text/csv; charset=utf-8", name))
}

async fn csv(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    csv_of(staff, &state, &path, false).await
}

async fn events_csv(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    csv_of(staff, &state, &path, true).await
}

async fn xlsx(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let report = load(&staff, &state, &path).await?;
    let lang = staff.chrome.lang;
    let (candidates, events) = (report.candidate_rows(lang), report.event_rows(lang));
    let (candidate_header, event_header) = (candidate_header(lang), event_header(lang));
    let bytes = sheets::xlsx(&[
        sheets::Sheet {
            name: lang.t("minutes.sheet_candidates"),
            header: &candidate_header,
            rows: &candidates,
        },
        sheets::Sheet {
            name: lang.t("minutes.sheet_events"),
            header: &event_header,
            rows: &events,
        },
    ])?;
    let content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(download(
        bytes,
        content_type,
        format!("ca-thi-{}.xlsx", report.session.code),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attempts::{clock::EndCause, model::AttemptEvent as E};

    #[test]
    fn every_logged_action_and_ending_has_a_label_in_both_languages() {
        let events = E::ALL;
        let session_actions = [
            "session_schedule",
            "session_reschedule",
            "session_open",
            "session_close",
            "roster_add",
            "code_reissue",
            "incident",
        ];
        let ends = [
            EndCause::Candidate,
            EndCause::Deadline,
            EndCause::SessionClosed,
            EndCause::Terminated,
        ];
        for lang in [Lang::Vi, Lang::En] {
            let mut keys: Vec<String> = events
                .iter()
                .map(|e| format!("minutes.action_{}", e.action()))
                .collect();
            keys.extend(
                session_actions
                    .iter()
                    .map(|a| format!("minutes.action_{a}")),
            );
            keys.extend(ends.iter().map(|e| format!("minutes.end_{}", e.as_str())));
            keys.extend(AttemptState::ALL.iter().map(|s| s.label_key().to_string()));
            for key in keys {
                assert_ne!(lang.t(&key), "⟦missing message⟧", "{key}");
            }
        }
    }
}
