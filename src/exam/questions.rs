//! The exam itself: one question per page with the grid of all questions and the flag for
//! review (saving is in `saving`).

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{
    pages::{Exam, see_other},
    sheet::{Cell, Who, answering, not_running},
};
use crate::attempts::{
    clock::format_duration,
    devices::Candidate,
    paper::{self, Control, Question},
    responses::Stored,
};
use crate::{
    blueprints::model::Navigation,
    clock,
    web::{AppError, AppState, Chrome, Page, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/thi/q/{n}", web::get().to(show))
        .route("/thi/q/{n}", web::post().to(super::saving::save))
        .route("/thi/review", web::get().to(super::review::review))
        .route("/thi/submit", web::post().to(super::review::submit));
}

/// The question the candidate is on: the furthest reached on a sequential paper (only those
/// move `position` on), else the one of their last save (or where it sent them), else the
/// first.
pub fn current(exam: &Exam) -> String {
    let e = &exam.entry;
    let n = if e.position > 0 {
        e.position + 1
    } else {
        e.last_question.max(1)
    };
    format!("/thi/q/{n}")
}

#[derive(Template)]
#[template(path = "exam/question.html")]
struct QuestionPage {
    chrome: Chrome,
    title: String,
    /// Who sits the exam (name, number), shown on every page of it.
    who: Who,
    /// The key of this attempt's entries in the browser's storage (see `AppState::attempt_key`).
    attempt_key: String,
    number: usize,
    total: usize,
    answered: usize,
    question: Question,
    seq: i64,
    flagged: bool,
    saved_at: String,
    time_left_ms: i64,
    time_left: String,
    cells: Vec<Cell>,
    free: bool,
    notice: Option<&'static str>,
}

impl QuestionPage {
    fn statement_letter(&self, index: &usize) -> char {
        char::from(b'a' + (*index as u8 % 26))
    }
    fn letter(&self, index: &usize) -> char {
        crate::banks::model::option_letter(*index)
    }
}

#[derive(serde::Deserialize)]
struct ShowQuery {
    notice: Option<String>,
}

async fn show(
    candidate: Candidate,
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<usize>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let now = clock::now_ms();
    let n = path.into_inner();
    let (exam, sheet) = match answering(&candidate, &state, now).await? {
        Ok(open) => open,
        // Paused or waiting: the lobby brings the candidate back here once it runs again.
        Err(exam) if exam.elsewhere() == Some("/thi/lobby") => {
            return Ok(see_other(&format!("/thi/lobby?q={n}")));
        }
        Err(exam) => return not_running(&exam, page.0),
    };
    let reachable = match sheet.paper.navigation {
        Navigation::Free => (1..=sheet.total()).contains(&n),
        Navigation::Sequential => n == exam.entry.position as usize + 1,
    };
    if !reachable {
        return Ok(see_other(&current(&exam)));
    }
    let placed = sheet
        .paper
        .form
        .items()
        .nth(n - 1)
        .ok_or(AppError::NotFound)?
        .clone();
    let item = state.kept.item(&state.db, &placed.version_id).await?;
    let stored = sheet.saved.get(&placed.item_id);
    let tokens = |item_id: &str, i: usize| state.option_token(&exam.entry.id, item_id, i);
    let question = paper::question(
        &item,
        &placed,
        stored.and_then(Stored::response).as_ref(),
        &tokens,
    );
    let time_left_ms = exam.entry.clock.time_left_ms(now).unwrap_or(0);
    let notice = query
        .into_inner()
        .notice
        .and_then(|k| NOTICES.into_iter().find(|n| *n == k));
    let page = QuestionPage {
        title: exam.session.title.clone(),
        who: Who::of(&exam),
        attempt_key: state.attempt_key(&exam.entry.id),
        number: n,
        total: sheet.total(),
        answered: sheet.answered(),
        seq: stored.map_or(0, |s| s.seq) + 1,
        flagged: stored.is_some_and(|s| s.flagged == 1),
        saved_at: stored
            .filter(|s| s.value.is_some())
            .map(|s| clock::format_local_seconds(s.saved_at))
            .unwrap_or_default(),
        time_left_ms,
        time_left: format_duration(time_left_ms),
        cells: sheet.cells(n),
        free: sheet.paper.navigation == Navigation::Free,
        question,
        notice,
        chrome: page.0,
    };
    render(&page, 200)
}

/// Messages a question page shows after a redirect (only these keys are accepted).
const NOTICES: [&str; 5] = [
    "exam.stale",
    "exam.question_closed",
    "exam.not_saved",
    "exam.unknown_token",
    "exam.malformed",
];
