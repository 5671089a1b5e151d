//! The session report (biên bản ca thi): who sat and who was absent, how each attempt ended
//! with its total and verdict, its terminations and reopenings, and every action and incident
//! with its reason, as a printable page (the CSV and `.xlsx` exports are in `report_files`).

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;

use super::model::verdict;
use crate::{
    accounts::{Staff, model::Action},
    attempts::{
        clock::format_duration,
        detail,
        model::AttemptState,
        reasons,
        store::{self as attempts, RosterEntry},
    },
    clock,
    grading::{self, model::StoredResult},
    orgs,
    sessions::{
        model::ExamSession,
        store::{self, EventRow},
        visible_to,
    },
    vocab::{Lang, display_date},
    web::{AppError, AppState, Chrome, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/report", web::get().to(page));
    super::report_files::routes(cfg);
}

/// Everything the report shows.
pub(super) struct Report {
    pub session: ExamSession,
    centre_name: String,
    proctors: Vec<(String, String)>,
    roster: Vec<RosterEntry>,
    events: Vec<EventRow>,
    /// The current result of each attempt that has one.
    results: HashMap<String, StoredResult>,
}

pub(super) async fn load(staff: &Staff, state: &AppState, id: &str) -> Result<Report, AppError> {
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
        results: grading::store::of_session(&state.db.read, &session.id).await?,
        session,
        centre_name,
    })
}

/// Sat: started the exam at some point. Absent: never started.
fn sat(entry: &RosterEntry) -> bool {
    entry.clock.started_at.is_some()
}

pub(super) fn candidate_header(lang: Lang) -> Vec<&'static str> {
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
        "result.col_total",
        "result.col_outcome",
        "minutes.col_interventions",
    ]
    .into_iter()
    .map(|k| lang.t(k))
    .collect()
}

/// A moment with its day: the report is read long after the sitting.
fn time_or_blank(ms: Option<i64>) -> String {
    ms.map(clock::format_local_full).unwrap_or_default()
}

/// The terminations and reopenings of one candidate, from the log: "Đình chỉ thi 28/11/2026
/// 09:12:30 (reason); …".
fn interventions(entry: &RosterEntry, events: &[EventRow], lang: Lang) -> String {
    events
        .iter()
        .filter(|e| e.candidate_number.as_deref() == Some(entry.candidate_number.as_str()))
        .filter(|e| matches!(e.action.as_str(), "attempt_terminate" | "attempt_reopen"))
        .map(|e| {
            let what = lang.t(&action_key(&e.action));
            let at = clock::format_local_full(e.at);
            match e.reason.as_deref() {
                Some(r) => format!("{what} {at} ({})", lang.t(&reasons::label_key(r))),
                None => format!("{what} {at}"),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn candidate_row(report: &Report, entry: &RosterEntry, lang: Lang) -> Vec<String> {
    let c = &entry.clock;
    let current = report.results.get(&entry.id);
    let verdict = verdict(c.state(), report.session.closed_at.is_some(), current);
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
        current
            .and_then(StoredResult::total)
            .map(|t| t.display())
            .unwrap_or_default(),
        lang.t(verdict.label_key()).to_string(),
        interventions(entry, &report.events, lang),
    ]
}

pub(super) fn event_header(lang: Lang) -> Vec<&'static str> {
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

/// The catalog key of a logged action's label.
fn action_key(action: &str) -> String {
    match action {
        "session_cancel" | "roster_remove" => format!("session.more.action_{action}"),
        _ => format!("minutes.action_{action}"),
    }
}

/// The action's label, with the state change when there was one.
fn action_label(event: &EventRow, lang: Lang) -> String {
    let action = lang.t(&action_key(&event.action));
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
        clock::format_local_full(event.at),
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
        [event.comment.clone(), detail::in_words(&event.detail, lang)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
    ]
}

#[derive(Template)]
#[template(path = "results/report.html")]
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

impl Report {
    pub(super) fn candidate_rows(&self, lang: Lang) -> Vec<Vec<String>> {
        self.roster
            .iter()
            .map(|e| candidate_row(self, e, lang))
            .collect()
    }

    pub(super) fn event_rows(&self, lang: Lang) -> Vec<Vec<String>> {
        self.events.iter().map(|e| event_row(e, lang)).collect()
    }
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
            "roster_remove",
            "session_cancel",
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
            keys.extend(session_actions.iter().map(|a| action_key(a)));
            keys.extend(ends.iter().map(|e| format!("minutes.end_{}", e.as_str())));
            keys.extend(AttemptState::ALL.iter().map(|s| s.label_key().to_string()));
            for key in keys {
                assert_ne!(lang.t(&key), "⟦missing message⟧", "{key}");
            }
        }
    }
}
