//! A started attempt's paper as the pages see it: the drawn form, its navigation rule, the
//! answers saved so far and the question grid; and whether questions may be shown now.

use std::{collections::HashMap, sync::Arc};

use actix_web::HttpResponse;
use askama::Template;

use super::{
    pages::{Exam, see_other},
    refusal::{self, Refusal},
};
use crate::attempts::{
    devices::Candidate,
    kept::KeptPaper,
    model::AttemptState,
    responses::{self, Stored},
};
use crate::web::{AppError, AppState, Chrome, render};

/// The paper of a started attempt (kept in memory), and the answers saved so far.
pub(super) struct Sheet {
    pub(super) paper: Arc<KeptPaper>,
    pub(super) saved: HashMap<String, Stored>,
}

impl Sheet {
    /// The paper with every answer saved so far (what a page shows).
    pub(super) async fn load(state: &AppState, exam: &Exam) -> Result<Self, AppError> {
        let paper_id = exam
            .entry
            .clock
            .paper_id
            .as_deref()
            .ok_or(AppError::NotFound)?;
        let paper = state.kept.paper(&state.db, paper_id).await?;
        let mut conn = state.db.read.acquire().await?;
        let saved = responses::all(&mut conn, &exam.entry.id)
            .await?
            .into_iter()
            .map(|r| (r.item_id.clone(), r))
            .collect();
        Ok(Self { paper, saved })
    }

    pub(super) fn total(&self) -> usize {
        self.paper.total()
    }

    pub(super) fn answered(&self) -> usize {
        self.saved.values().filter(|r| r.value.is_some()).count()
    }

    pub(super) fn cells(&self, current: usize) -> Vec<Cell> {
        self.paper
            .form
            .items()
            .enumerate()
            .map(|(i, p)| {
                let saved = self.saved.get(&p.item_id);
                Cell {
                    number: i + 1,
                    answered: saved.is_some_and(|r| r.value.is_some()),
                    flagged: saved.is_some_and(|r| r.flagged == 1),
                    current: i + 1 == current,
                }
            })
            .collect()
    }
}

/// The candidate as every exam page names them.
pub struct Who {
    pub name: String,
    pub number: String,
}

impl Who {
    pub(super) fn of(exam: &Exam) -> Self {
        Self {
            name: exam.entry.full_name.clone(),
            number: exam.entry.candidate_number.clone(),
        }
    }
}

/// A square of the question grid.
pub struct Cell {
    pub number: usize,
    pub answered: bool,
    pub flagged: bool,
    pub current: bool,
}

impl Cell {
    /// The square's classes: `answered`, `flagged` (both when answered and flagged), `current`.
    pub fn classes(&self) -> String {
        [
            (self.answered, "answered"),
            (self.flagged, "flagged"),
            (self.current, "current"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, class)| *class)
        .collect::<Vec<_>>()
        .join(" ")
    }

    pub fn status_key(&self) -> &'static str {
        match (self.answered, self.flagged) {
            (true, true) => "exam.cell_answered_flagged",
            (false, true) => "exam.cell_flagged",
            (true, false) => "exam.cell_answered",
            (false, false) => "exam.cell_unanswered",
        }
    }
}

/// Whether the attempt takes answers now: running, and before the deadline plus the grace for
/// saves already in flight.
pub(super) fn open_for_answers(exam: &Exam, grace_ms: i64, now: i64) -> bool {
    exam.state() == AttemptState::InProgress
        && exam
            .entry
            .clock
            .deadline_at
            .is_some_and(|d| now <= d + grace_ms)
}

/// Why the attempt takes no answers at `now` (`grace_ms` allowed for saves in flight), or None
/// when it does.
pub(super) fn why_closed(exam: &Exam, grace_ms: i64, now: i64) -> Option<Refusal> {
    if open_for_answers(exam, grace_ms, now) {
        return None;
    }
    let overdue = exam
        .entry
        .clock
        .deadline_at
        .is_some_and(|d| now > d + grace_ms);
    Some(refusal::closed(exam.state(), overdue).unwrap_or(Refusal::NotRunning))
}

#[derive(Template)]
#[template(path = "exam/time_up.html")]
struct TimeUpPage {
    chrome: Chrome,
}

/// The exam and its paper, if questions may be shown now; else the exam, to say why not.
pub(super) async fn answering(
    candidate: &Candidate,
    state: &AppState,
    now: i64,
) -> Result<Result<(Exam, Sheet), Exam>, AppError> {
    let exam = Exam::load(candidate, state).await?;
    if exam.elsewhere().is_some() || !open_for_answers(&exam, 0, now) {
        return Ok(Err(exam));
    }
    let sheet = Sheet::load(state, &exam).await?;
    Ok(Ok((exam, sheet)))
}

/// The page for a candidate whose time is up or whose attempt is not running.
pub(super) fn not_running(exam: &Exam, chrome: Chrome) -> Result<HttpResponse, AppError> {
    match exam.elsewhere() {
        Some(target) => Ok(see_other(target)),
        None => render(&TimeUpPage { chrome }, 200),
    }
}
