//! The exam itself: one question per page with the grid of all questions and the flag for
//! review, and saving (a redirect without JavaScript, JSON for the page's script). Every
//! answer is committed before the page is told "saved".

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::json;

use super::{
    pages::{Exam, see_other},
    refusal::{self, Refusal, from_script},
    sheet::{Cell, Sheet, Who, answering, not_running, why_closed},
};
use crate::attempts::{
    clock::format_duration,
    devices::Candidate,
    finish,
    paper::{self, Control, Question},
    responses::{Saved, Stored, Write},
};
use crate::{
    blueprints::model::Navigation,
    clock,
    web::{AppError, AppState, Chrome, Page, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/thi/q/{n}", web::get().to(show))
        .route("/thi/q/{n}", web::post().to(save))
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
    let reachable = match sheet.navigation {
        Navigation::Free => (1..=sheet.total()).contains(&n),
        Navigation::Sequential => n == exam.entry.position as usize + 1,
    };
    if !reachable {
        return Ok(see_other(&current(&exam)));
    }
    let placed = sheet
        .form
        .items()
        .nth(n - 1)
        .ok_or(AppError::NotFound)?
        .clone();
    let item = finish::item(&state.db.read, &placed.version_id).await?;
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
        free: sheet.navigation == Navigation::Free,
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

/// Saves one question's answer and flag; then, for a plain form, goes where the button said.
async fn save(
    req: HttpRequest,
    candidate: Candidate,
    state: web::Data<AppState>,
    path: web::Path<usize>,
    body: String,
) -> Result<HttpResponse, AppError> {
    let lang = crate::web::Chrome::lang_of(&req);
    let script = from_script(&req);
    let exam = Exam::load(&candidate, &state).await?;
    let n = path.into_inner();
    let here = current(&exam);
    let refuse = |refusal: Refusal| refusal.reply(script, lang, n, &here);
    let now = clock::now_ms();
    let grace_ms = state.settings.grace_seconds * 1000;
    if exam.standing != crate::attempts::devices::Standing::Active
        || exam.entry.clock.paper_id.is_none()
    {
        return refuse(Refusal::NotRunning);
    }
    if let Some(closed) = why_closed(&exam, grace_ms, now) {
        return refuse(closed);
    }
    // Saving needs the paper, not the other answers.
    let sheet = Sheet::paper(&state, &exam).await?;
    let Some(placed) = sheet.form.items().nth(n.wrapping_sub(1)).cloned() else {
        return refuse(Refusal::NoSuchQuestion);
    };
    if sheet.navigation == Navigation::Sequential && n != exam.entry.position as usize + 1 {
        return refuse(Refusal::QuestionClosed);
    }
    let fields = form_fields(&body);
    let one = |name: &str| {
        fields
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    };
    let Ok(seq) = one("seq").parse::<i64>() else {
        return refuse(Refusal::Unreadable("exam.malformed"));
    };
    let item = finish::item(&state.db.read, &placed.version_id).await?;
    let tokens = |item_id: &str, i: usize| state.option_token(&exam.entry.id, item_id, i);
    let answer = match paper::read_answer(&item, &placed.item_id, &fields, &tokens) {
        Ok(answer) => answer,
        Err(refused) => return refuse(Refusal::Unreadable(refused.key())),
    };
    let go = one("go");
    let (target, goes_to) = match (go, sheet.navigation) {
        ("review", _) => ("/thi/review".to_string(), n),
        ("prev", Navigation::Free) if n > 1 => (format!("/thi/q/{}", n - 1), n - 1),
        ("next", _) if n < sheet.total() => (format!("/thi/q/{}", n + 1), n + 1),
        (jump, Navigation::Free) => match jump.parse::<usize>() {
            Ok(j) if (1..=sheet.total()).contains(&j) => (format!("/thi/q/{j}"), j),
            _ => (format!("/thi/q/{n}"), n),
        },
        _ => (format!("/thi/q/{n}"), n),
    };
    let moves_on = sheet.navigation == Navigation::Sequential && go == "next" && n < sheet.total();
    let write = Write {
        attempt_id: &exam.entry.id,
        device: &candidate.device,
        item_id: &placed.item_id,
        seq,
        answer: answer.as_ref(),
        flagged: !one("flag").is_empty(),
        now,
        grace_ms,
        question: goes_to,
        moves_on_from: moves_on.then_some(n),
    };
    let (saved, answered) = match write.commit(&state.db).await {
        Ok(Some(saved)) => saved,
        Ok(None) => return refuse(unclaimed(&candidate, &state, now).await?),
        Err(e) if crate::db::is_outage(&e) && script => {
            tracing::error!(error = %e, "an answer could not be saved; the page keeps it and retries");
            return refuse(Refusal::Retrying);
        }
        Err(e) => return Err(e.into()),
    };
    match saved {
        Saved::Stored { seq, saved_at } if script => {
            let time = clock::format_local_seconds(saved_at);
            let message = lang.fill("exam.saved_at", &[("time", &time)]);
            let body = json!({"seq": seq, "saved_at": time, "message": message,
                              "answered": answered, "total": sheet.total()});
            crate::web::json(200, &body)
        }
        Saved::Stored { .. } => Ok(see_other(&target)),
        Saved::Stale { .. } => refuse(Refusal::Stale),
    }
}

/// Why a save's claim found the attempt closed: it changed since the page checked (paused,
/// submitted, another device approved).
async fn unclaimed(candidate: &Candidate, state: &AppState, now: i64) -> Result<Refusal, AppError> {
    let exam = Exam::load(candidate, state).await?;
    let grace_ms = state.settings.grace_seconds * 1000;
    let overdue = exam
        .entry
        .clock
        .deadline_at
        .is_some_and(|d| now > d + grace_ms);
    if let Some(refusal) = refusal::closed(exam.state(), overdue) {
        return Ok(refusal);
    }
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM candidate_devices WHERE token_digest = $1")
            .bind(&candidate.device)
            .fetch_optional(&state.db.read)
            .await?;
    Ok(match status.as_deref() {
        Some("active") => Refusal::NotRunning,
        Some("pending") => Refusal::NotRunning,
        _ => Refusal::DeviceReplaced,
    })
}

/// The fields of a submitted form, each with all its values (checkboxes repeat their name).
fn form_fields(body: &str) -> HashMap<String, Vec<String>> {
    let mut fields: HashMap<String, Vec<String>> = HashMap::new();
    for (name, value) in url::form_urlencoded::parse(body.as_bytes()) {
        fields
            .entry(name.into_owned())
            .or_default()
            .push(value.into_owned());
    }
    fields
}
