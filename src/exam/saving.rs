//! Saving one question's answer and flag: a redirect for a plain form, JSON for the page's
//! script. The save reads nothing from the database that can change during an attempt (its
//! sitting, paper and item are kept in memory) and goes to the group-commit writer, whose
//! write checks the attempt is still open on this device; the page is told "saved" only once
//! that write has committed. A refused save is explained by reading the attempt again.

use std::collections::HashMap;

use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, http::header, web};
use askama::Template;
use serde_json::json;

use super::{
    pages::{Exam, see_other},
    questions::current,
    refusal::{Refusal, from_script},
    sheet::why_closed,
};
use crate::attempts::{
    devices::{self, Candidate, Standing},
    group_commit::SaveError,
    kept::NoSitting,
    paper,
    responses::{Saved, Write, stored_value},
};
use crate::{
    blueprints::model::Navigation,
    clock,
    web::{AppError, AppState, Chrome, render},
};

/// Saves one question's answer and flag; then, for a plain form, goes where the button said.
pub(super) async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<usize>,
    body: String,
) -> Result<HttpResponse, AppError> {
    let n = path.into_inner();
    let refused = |known| refuse(&req, &state, n, known);
    let device = devices::device_of(&req).ok_or(AppError::CandidateSignInRequired)?;
    let sitting = match state.kept.sitting(&state.db, &device).await {
        Ok(sitting) => sitting,
        Err(NoSitting::Unknown) => return Err(AppError::CandidateSignInRequired),
        Err(NoSitting::NotStarted) => return refused(None).await,
        Err(NoSitting::Failed(e)) => return Err(e.into()),
    };
    // Every later line of this request names the attempt (see `web::observe`).
    tracing::Span::current().record("attempt.id", sitting.attempt_id.as_str());
    let paper = state.kept.paper(&state.db, &sitting.paper_id).await?;
    let Some(placed) = paper.form.items().nth(n.wrapping_sub(1)) else {
        return refused(Some(Refusal::NoSuchQuestion)).await;
    };
    let fields = form_fields(&body);
    let one = |name: &str| {
        fields
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    };
    let Ok(seq) = one("seq").parse::<i64>() else {
        return refused(Some(Refusal::Unreadable("exam.malformed"))).await;
    };
    let item = state.kept.item(&state.db, &placed.version_id).await?;
    let tokens = |item_id: &str, i: usize| state.option_token(&sitting.attempt_id, item_id, i);
    let answer = match paper::read_answer(&item, &placed.item_id, &fields, &tokens) {
        Ok(answer) => answer,
        Err(unreadable) => return refused(Some(Refusal::Unreadable(unreadable.key()))).await,
    };
    let go = one("go");
    let total = paper.total();
    let (target, goes_to) = destination(go, n, total, paper.navigation);
    let sequential = paper.navigation == Navigation::Sequential;
    let now = clock::now_ms();
    let write = Write {
        attempt_id: sitting.attempt_id.clone(),
        device,
        item_id: placed.item_id.clone(),
        seq,
        value: stored_value(answer.as_ref()),
        flagged: !one("flag").is_empty(),
        now,
        grace_ms: state.settings.grace_seconds * 1000,
        question: goes_to,
        sequential_at: sequential.then_some(n),
        moves_on_from: (sequential && go == "next" && n < total).then_some(n),
    };
    let script = from_script(&req);
    let lang = Chrome::lang_of(&req);
    let landed = match state.saves.save(write).await {
        Ok(Some(landed)) => landed,
        Ok(None) => return refused(None).await,
        Err(SaveError::Busy) => return busy(&req, n, &body),
        Err(SaveError::Unavailable(cause)) if script => {
            tracing::error!(error = %cause, "an answer could not be saved; the page keeps it and retries");
            return Refusal::Retrying.reply(script, lang, n, "");
        }
        Err(SaveError::Unavailable(cause)) => return Err(AppError::Unavailable(cause)),
        Err(SaveError::Failed(cause)) => return Err(anyhow::anyhow!(cause).into()),
    };
    // The write found this device active: its page is open and reachable.
    state.seen.saw(&sitting.attempt_id, now);
    match landed.saved {
        Saved::Stored { seq, saved_at } if script => {
            let time = clock::format_local_seconds(saved_at);
            let message = lang.fill("exam.saved_at", &[("time", &time)]);
            let body = json!({"seq": seq, "saved_at": time, "message": message,
                              "answered": landed.answered, "total": total});
            crate::web::json(200, &body)
        }
        Saved::Stored { .. } => Ok(see_other(&target)),
        Saved::Stale { .. } => refused(Some(Refusal::Stale)).await,
    }
}

/// Where the button pressed sends the candidate (a page, and the question it is on there).
fn destination(go: &str, n: usize, total: usize, navigation: Navigation) -> (String, usize) {
    match (go, navigation) {
        ("review", _) => ("/thi/review".to_string(), n),
        ("prev", Navigation::Free) if n > 1 => (format!("/thi/q/{}", n - 1), n - 1),
        ("next", _) if n < total => (format!("/thi/q/{}", n + 1), n + 1),
        (jump, Navigation::Free) => match jump.parse::<usize>() {
            Ok(j) if (1..=total).contains(&j) => (format!("/thi/q/{j}"), j),
            _ => (format!("/thi/q/{n}"), n),
        },
        _ => (format!("/thi/q/{n}"), n),
    }
}

/// Tells the candidate why a save was refused: `known`, or else what the attempt, read again
/// now, says (paused, submitted, overdue, another question reached, another device let in).
async fn refuse(
    req: &HttpRequest,
    state: &AppState,
    n: usize,
    known: Option<Refusal>,
) -> Result<HttpResponse, AppError> {
    let candidate = Candidate::from_request(req, &mut Payload::None).await?;
    let exam = Exam::load(&candidate, state).await?;
    let refusal = match known {
        Some(refusal) => refusal,
        None => why_refused(&candidate, &exam, state, n).await?,
    };
    refusal.reply(from_script(req), Chrome::lang_of(req), n, &current(&exam))
}

async fn why_refused(
    candidate: &Candidate,
    exam: &Exam,
    state: &AppState,
    n: usize,
) -> Result<Refusal, AppError> {
    let now = clock::now_ms();
    let Some(paper_id) = exam.entry.clock.paper_id.as_deref() else {
        return Ok(Refusal::NotRunning);
    };
    if exam.standing != Standing::Active {
        return Ok(Refusal::NotRunning);
    }
    if let Some(closed) = why_closed(exam, state.settings.grace_seconds * 1000, now) {
        return Ok(closed);
    }
    let paper = state.kept.paper(&state.db, paper_id).await?;
    if paper.navigation == Navigation::Sequential && n != exam.entry.position as usize + 1 {
        return Ok(Refusal::QuestionClosed);
    }
    // Open as read now: the device lost its standing, or the attempt was resumed, between the
    // write and this read.
    let status = devices::status(&state.db.read, &candidate.device).await?;
    Ok(match status.as_deref() {
        // Open again as read now (a resume came between the write and this read): the page
        // keeps the answer, as during a pause, and sends it again at once.
        Some("active") => Refusal::Paused,
        Some("pending") => Refusal::NotRunning,
        _ => Refusal::DeviceReplaced,
    })
}

#[derive(Template)]
#[template(path = "exam/busy.html")]
struct BusyPage {
    chrome: Chrome,
    number: usize,
    /// The form's fields as sent, to send them again unchanged.
    fields: Vec<(String, String)>,
}

/// Too many saves wait: nothing was tried. The page's script keeps the answer and sends it
/// again; a plain form gets a page that sends the same answer again with one button.
fn busy(req: &HttpRequest, n: usize, body: &str) -> Result<HttpResponse, AppError> {
    tracing::warn!(question = n, "a save was turned away: too many saves wait");
    let mut response = if from_script(req) {
        let lang = Chrome::lang_of(req);
        let key = "exam.busy";
        crate::web::json(
            503,
            &json!({"error": lang.t(key), "key": key, "retry": true}),
        )?
    } else {
        let fields = url::form_urlencoded::parse(body.as_bytes())
            .map(|(name, value)| (name.into_owned(), value.into_owned()))
            .collect();
        let page = BusyPage {
            chrome: Chrome::from_request(req),
            number: n,
            fields,
        };
        render(&page, 503)?
    };
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    Ok(response)
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
