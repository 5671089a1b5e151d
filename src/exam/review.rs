//! The review page (unanswered and flagged questions) and the submission after the candidate
//! confirms: the attempt is submitted, graded and its digest stored in one transaction.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{
    pages::{Exam, see_other},
    refusal::Refusal,
    sheet::{Cell, Who, answering, not_running, why_closed},
};
use crate::attempts::{
    answers::unfinished,
    clock::{EndCause, format_duration},
    detail::Detail,
    devices::{Candidate, Standing},
    finish::finish,
    model::AttemptState,
    store::{ChangeError, Note},
};
use crate::{
    blueprints::model::Navigation,
    clock,
    db::WriteTx,
    web::{AppError, AppState, Chrome, Page, render},
};

#[derive(Template)]
#[template(path = "exam/review.html")]
struct ReviewPage {
    chrome: Chrome,
    title: String,
    who: Who,
    attempt_key: String,
    total: usize,
    answered: usize,
    cells: Vec<Cell>,
    /// Matching and ordering answers left half done: question number and the warning's key.
    unfinished: Vec<(usize, &'static str)>,
    free: bool,
    time_left_ms: i64,
    time_left: String,
}

impl ReviewPage {
    fn unanswered(&self) -> Vec<&Cell> {
        self.cells.iter().filter(|c| !c.answered).collect()
    }
    fn flagged(&self) -> Vec<&Cell> {
        self.cells.iter().filter(|c| c.flagged).collect()
    }
}

pub(super) async fn review(
    candidate: Candidate,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let now = clock::now_ms();
    let (exam, sheet) = match answering(&candidate, &state, now).await? {
        Ok(open) => open,
        Err(exam) => return not_running(&exam, page.0),
    };
    let time_left_ms = exam.entry.clock.time_left_ms(now).unwrap_or(0);
    let page = ReviewPage {
        chrome: page.0,
        title: exam.session.title.clone(),
        who: Who::of(&exam),
        attempt_key: state.attempt_key(&exam.entry.id),
        total: sheet.total(),
        answered: sheet.answered(),
        cells: sheet.cells(0),
        unfinished: sheet
            .paper
            .form
            .items()
            .enumerate()
            .filter_map(|(i, p)| {
                let response = sheet.saved.get(&p.item_id)?.response()?;
                Some((i + 1, unfinished(&response)?.key()))
            })
            .collect(),
        free: sheet.paper.navigation == Navigation::Free,
        time_left_ms,
        time_left: format_duration(time_left_ms),
    };
    render(&page, 200)
}

#[derive(serde::Deserialize)]
pub(super) struct SubmitForm {
    confirm: Option<String>,
}

/// Submits after the candidate confirmed; a second submit finds the receipt.
pub(super) async fn submit(
    candidate: Candidate,
    state: web::Data<AppState>,
    form: web::Form<SubmitForm>,
) -> Result<HttpResponse, AppError> {
    let place = state.db.write_place().await?;
    let exam = Exam::load(&candidate, &state).await?;
    if exam.state() == AttemptState::Submitted {
        return Ok(see_other("/thi/receipt"));
    }
    if form.confirm.is_none() {
        return Ok(see_other("/thi/review#confirm"));
    }
    let (now, grace_ms) = (clock::now_ms(), state.settings.grace_seconds * 1000);
    if exam.standing != Standing::Active {
        return Ok(see_other("/thi/lobby"));
    }
    if let Some(closed) = why_closed(&exam, grace_ms, now) {
        // Paused or terminated: the lobby says so; ended: the receipt.
        return Ok(see_other(match closed {
            Refusal::Ended { terminated: false } => "/thi/receipt?notice=exam.ended",
            _ => "/thi/lobby",
        }));
    }
    let attempt_id = exam.entry.id.clone();
    let write = move |mut tx: WriteTx| async move {
        let note = Note {
            detail: Detail::ByCandidate.into(),
            ..Note::default()
        };
        let cause = EndCause::Candidate;
        finish(&mut tx, &attempt_id, cause, clock::now_ms(), note).await?;
        tx.commit().await.map_err(ChangeError::Db)
    };
    match state.db.request_write(place, write).await? {
        Ok(()) => {}
        Err(ChangeError::Db(e)) => return Err(e.into()),
        Err(ChangeError::Other(e)) => return Err(e.into()),
        Err(_) => return Ok(see_other("/thi/lobby")),
    }
    Ok(see_other("/thi/receipt"))
}
