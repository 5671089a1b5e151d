//! The exam itself: one question per page with the grid of all questions and the flag for
//! review, and saving (a redirect without JavaScript, JSON for the page's script). Every
//! answer is committed before the page is told "saved".

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde_json::json;

use super::{
    clock::format_duration,
    devices::Candidate,
    finish,
    model::AttemptState,
    pages::{Exam, see_other},
    paper::{self, Control, Question},
    responses::{self, Saved, Stored},
    sheet::{Cell, Sheet, answering, not_running, open_for_answers},
};
use crate::{
    blueprints::model::Navigation,
    clock,
    web::{AppError, AppState, Chrome, Page, i18n::Lang, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/thi/q/{n}", web::get().to(show))
        .route("/thi/q/{n}", web::post().to(save))
        .route("/thi/review", web::get().to(super::review::review))
        .route("/thi/submit", web::post().to(super::review::submit));
}

/// The question the candidate is on: the furthest reached (sequential papers), else the first.
pub fn current(exam: &Exam) -> String {
    format!("/thi/q/{}", exam.entry.position + 1)
}

#[derive(Template)]
#[template(path = "exam/question.html")]
struct QuestionPage {
    chrome: Chrome,
    title: String,
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
    let (exam, sheet) = match answering(&candidate, &state, now).await? {
        Ok(open) => open,
        Err(exam) => return not_running(&exam, page.0),
    };
    let n = path.into_inner();
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
const NOTICES: [&str; 2] = ["exam.stale", "exam.not_saved"];

/// Whether the page's script asked (it wants JSON, not a redirect).
fn from_script(req: &HttpRequest) -> bool {
    req.headers()
        .get("accept")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// A refusal: JSON for the script, the question again (with a notice) for a plain form.
fn refuse(
    script: bool,
    status: u16,
    key: &'static str,
    lang: Lang,
    back: &str,
) -> Result<HttpResponse, AppError> {
    if script {
        return crate::web::json(status, &json!({"error": lang.t(key), "key": key}));
    }
    match status {
        409 if key == "exam.stale" => Ok(see_other(&format!("{back}?notice=exam.stale"))),
        _ => Err(AppError::BadRequest(key)),
    }
}

/// Saves one question's answer and flag; then, for a plain form, goes where the button said.
async fn save(
    req: HttpRequest,
    candidate: Candidate,
    state: web::Data<AppState>,
    path: web::Path<usize>,
    body: String,
) -> Result<HttpResponse, AppError> {
    let lang = crate::web::Chrome::from_request(&req).lang;
    let script = from_script(&req);
    let exam = Exam::load(&candidate, &state).await?;
    let n = path.into_inner();
    let back = format!("/thi/q/{n}");
    let now = clock::now_ms();
    if exam.standing != super::devices::Standing::Active || exam.entry.clock.paper_id.is_none() {
        return refuse(script, 409, "exam.not_running", lang, &back);
    }
    if !open_for_answers(&exam, state.settings.grace_seconds * 1000, now) {
        let key = if exam.state() == AttemptState::Paused {
            "exam.paused"
        } else {
            "exam.not_running"
        };
        return refuse(script, 409, key, lang, &back);
    }
    // Saving needs the paper, not the other answers.
    let sheet = Sheet::paper(&state, &exam).await?;
    let Some(placed) = sheet.form.items().nth(n.wrapping_sub(1)).cloned() else {
        return refuse(script, 404, "exam.no_such_question", lang, &back);
    };
    if sheet.navigation == Navigation::Sequential && n != exam.entry.position as usize + 1 {
        return refuse(script, 409, "exam.question_closed", lang, &back);
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
        return refuse(script, 400, "exam.malformed", lang, &back);
    };
    let item = finish::item(&state.db.read, &placed.version_id).await?;
    let tokens = |item_id: &str, i: usize| state.option_token(&exam.entry.id, item_id, i);
    let answer = match paper::read_answer(&item, &placed.item_id, &fields, &tokens) {
        Ok(answer) => answer,
        Err(refused) => return refuse(script, 422, refused.key(), lang, &back),
    };
    let flagged = !one("flag").is_empty();
    let go = one("go");
    let target = match (go, sheet.navigation) {
        ("review", _) => "/thi/review".to_string(),
        ("prev", Navigation::Free) if n > 1 => format!("/thi/q/{}", n - 1),
        ("next", _) if n < sheet.total() => format!("/thi/q/{}", n + 1),
        (jump, Navigation::Free)
            if jump
                .parse::<usize>()
                .is_ok_and(|j| (1..=sheet.total()).contains(&j)) =>
        {
            format!("/thi/q/{jump}")
        }
        _ => back.clone(),
    };
    let moves_on = sheet.navigation == Navigation::Sequential && go == "next" && n < sheet.total();
    let write = Write {
        attempt_id: &exam.entry.id,
        device: &candidate.device,
        item_id: &placed.item_id,
        seq,
        answer: answer.as_ref(),
        flagged,
        now,
        grace_ms: state.settings.grace_seconds * 1000,
        moves_on_from: moves_on.then_some(n),
    };
    let saved = match write.commit(&state.db).await {
        Ok(Some(saved)) => saved,
        Ok(None) => return refuse(script, 409, "exam.not_running", lang, &back),
        Err(e) if crate::db::is_outage(&e) && script => {
            tracing::error!(error = %e, "an answer could not be saved; the page keeps it and retries");
            return refuse(script, 503, "exam.not_saved_retrying", lang, &back);
        }
        Err(e) => return Err(e.into()),
    };
    match saved {
        Saved::Stored { seq, saved_at } if script => {
            let time = clock::format_local_seconds(saved_at);
            let message = lang.fill("exam.saved_at", &[("time", &time)]);
            crate::web::json(
                200,
                &json!({"seq": seq, "saved_at": time, "message": message}),
            )
        }
        Saved::Stored { .. } => Ok(see_other(&target)),
        Saved::Stale { .. } => refuse(script, 409, "exam.stale", lang, &back),
    }
}

/// One save as it is written: the attempt is claimed (still open, on this device), the answer
/// stored, and on a sequential paper the position moved on, in one transaction.
struct Write<'a> {
    attempt_id: &'a str,
    device: &'a str,
    item_id: &'a str,
    seq: i64,
    answer: Option<&'a crate::grading::model::Response>,
    flagged: bool,
    now: i64,
    grace_ms: i64,
    moves_on_from: Option<usize>,
}

impl Write<'_> {
    /// What became of the save once committed; None when the attempt no longer takes answers.
    async fn commit(&self, db: &crate::db::Db) -> sqlx::Result<Option<Saved>> {
        let mut tx = db.begin_write().await?;
        let open = responses::claim_open(
            &mut tx,
            self.attempt_id,
            self.device,
            self.now,
            self.grace_ms,
        )
        .await?;
        if !open {
            tx.rollback().await?;
            return Ok(None);
        }
        let saved = responses::save(
            &mut tx,
            self.attempt_id,
            self.item_id,
            self.seq,
            self.answer,
            self.flagged,
            self.now,
        )
        .await?;
        if let Some(n) = self.moves_on_from {
            sqlx::query("UPDATE attempts SET position = $1 WHERE id = $2 AND position = $3")
                .bind(n as i64)
                .bind(self.attempt_id)
                .bind(n as i64 - 1)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Some(saved))
    }
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
