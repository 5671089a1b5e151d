//! The receipt after submission: when, the digest, and the result as the blueprint's review
//! policy allows; after a refused save it says the session ended and what was submitted.
//! While the session sits, only the device the proctor let in sees it, and never the keys;
//! once the session is closed, any device signed in with the slip's (current) code does.

use actix_web::{HttpResponse, web};
use anyhow::Context;
use askama::Template;

use super::pages::{Exam, see_other};
use crate::attempts::{
    answers::{ReadItem, read_items, topic_totals},
    clock::EndCause,
    devices::{Candidate, Standing},
    model::AttemptState,
};
use crate::{
    blueprints::{model::Review, store::version_blueprint},
    clock, credits,
    grading::{
        self,
        model::{Outcome, ScoreResult},
    },
    vocab::Lang,
    web::{AppError, AppState, Chrome, Page, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/thi/receipt", web::get().to(receipt));
}

#[derive(serde::Deserialize)]
struct ReceiptQuery {
    notice: Option<String>,
}

/// A stored result, as much as the review policy shows: totals as "9,5/10", topics by name,
/// the items (with keys) only under the full review once the session is closed.
pub struct Shown {
    pub outcome: String,
    pub total: String,
    pub topics: Vec<(String, String)>,
    pub items: Vec<ReadItem>,
}

#[derive(Template)]
#[template(path = "exam/receipt.html")]
struct ReceiptPage {
    chrome: Chrome,
    exam: Exam,
    attempt_key: String,
    /// After a save refused because the attempt ended: says so, with the submission time.
    ended: bool,
    submitted_at: String,
    /// When the proctor closed the session, if they have.
    closed_at: Option<String>,
    /// The attempt was submitted by the session's close, not by the candidate.
    ended_by_close: bool,
    digest: String,
    review: Review,
    /// The session is closed: the keys of `full` may show.
    closed: bool,
    result: Option<Shown>,
    /// That the attempt was scored again after a key correction, when, and why.
    regraded: Option<String>,
    /// For a pass the candidate may see: the credit it earns once approved, or that it is
    /// recorded.
    credit: Option<String>,
}

impl ReceiptPage {
    fn shows_topics(&self) -> bool {
        matches!(self.review, Review::ScoreByTopic | Review::Full)
    }
    fn shows_items(&self) -> bool {
        self.review == Review::Full && self.closed
    }
    fn items_later(&self) -> bool {
        self.review == Review::Full && !self.closed
    }
}

/// The totals of a stored result (what every review but `nothing` shows).
fn shown(result: &ScoreResult, lang: Lang) -> Shown {
    Shown {
        outcome: result.outcome.as_str().to_string(),
        total: result.total.display(),
        topics: topic_totals(result, lang),
        items: vec![],
    }
}

async fn receipt(
    candidate: Candidate,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<ReceiptQuery>,
) -> Result<HttpResponse, AppError> {
    let exam = Exam::load(&candidate, &state).await?;
    let closed = exam.session.closed_at.is_some();
    if exam.state() != AttemptState::Submitted || (exam.standing == Standing::Pending && !closed) {
        return Ok(see_other("/thi/lobby"));
    }
    let history = grading::store::history(&state.db.read, &exam.entry.id).await?;
    let regraded = grading::model::regrade_note(&history, page.0.lang);
    let stored = history
        .into_iter()
        .next_back()
        .context("a submitted attempt has a result")?;
    let digest = stored.responses_digest.clone();
    let score = stored
        .score
        .context("a submitted attempt's current result is not a withdrawal")?;
    let blueprint = version_blueprint(&state.db.read, &exam.session.blueprint_version_id).await?;
    let review = blueprint.review;
    let lang = page.0.lang;
    let mut result = (review != Review::Nothing).then(|| shown(&score, lang));
    let credit = if result.is_some() && score.outcome == Outcome::Pass {
        let (attempt, session) = (&exam.entry.id, &exam.session.id);
        credits::note::receipt_line(&state.db.read, attempt, session, &blueprint.modules, lang)
            .await?
    } else {
        None
    };
    if let Some(shown) = result.as_mut().filter(|_| review == Review::Full && closed) {
        let paper = exam.entry.clock.paper_id.as_deref().unwrap_or_default();
        let mut conn = state.db.read.acquire().await?;
        shown.items = read_items(&mut conn, &exam.entry.id, paper, &score, lang).await?;
    }
    let submitted_at = exam
        .entry
        .clock
        .ended_at
        .map(clock::format_local_seconds)
        .unwrap_or_default();
    let closed_at = exam.session.closed_at.map(clock::format_local);
    let ended_by_close =
        exam.entry.clock.end_cause.as_deref() == Some(EndCause::SessionClosed.as_str());
    let page = ReceiptPage {
        chrome: page.0,
        attempt_key: state.attempt_key(&exam.entry.id),
        ended: query.notice.as_deref() == Some("exam.ended"),
        exam,
        submitted_at,
        closed_at,
        ended_by_close,
        digest,
        review,
        closed,
        result,
        regraded,
        credit,
    };
    render(&page, 200)
}
