//! The receipt after submission: when, the digest, and the result as the blueprint's review
//! policy allows; after a refused save it says the session ended and what was submitted.
//! While the session sits, only the device the proctor let in sees it, and never the keys;
//! once the session is closed, any device signed in with the slip's (current) code does.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{
    devices::{Candidate, Standing},
    model::AttemptState,
    pages::{Exam, see_other},
};
use crate::{
    blueprints::{model::Review, store::version_blueprint},
    clock,
    web::{AppError, AppState, Chrome, Page, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/thi/receipt", web::get().to(receipt));
}

#[derive(serde::Deserialize)]
struct ReceiptQuery {
    notice: Option<String>,
}

/// A stored result, as much as the review policy shows.
pub struct Shown {
    pub outcome: String,
    pub points: String,
    pub max: i64,
    pub topics: Vec<(String, String, i64)>,
    pub items: Vec<(usize, String, String, String, i64)>,
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
    digest: String,
    review: Review,
    /// The session is closed: the keys of `full` may show.
    closed: bool,
    result: Option<Shown>,
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

/// Reads what the review policy allows from a stored result's detail.
fn shown(outcome: String, points: String, max: i64, detail: &str) -> Shown {
    let value: serde_json::Value = serde_json::from_str(detail).unwrap_or_default();
    let tally = |t: &serde_json::Value| {
        (
            t["points"].as_str().unwrap_or("0").to_string(),
            t["max"].as_i64().unwrap_or(0),
        )
    };
    let topics = value["topics"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, t)| {
                    let (p, m) = tally(t);
                    (k.clone(), p, m)
                })
                .collect()
        })
        .unwrap_or_default();
    let items = value["items"]
        .as_array()
        .map(|list| {
            list.iter()
                .enumerate()
                .map(|(i, it)| {
                    (
                        i + 1,
                        it["response"].as_str().unwrap_or("").to_string(),
                        it["key"].as_str().unwrap_or("").to_string(),
                        it["points"].as_str().unwrap_or("0").to_string(),
                        it["max"].as_i64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Shown {
        outcome,
        points,
        max,
        topics,
        items,
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
    let (outcome, points, max, detail, digest): (String, String, i64, String, String) = sqlx::query_as(
        "SELECT outcome, points, max_points, detail, responses_digest FROM attempt_results WHERE attempt_id = $1",
    )
    .bind(&exam.entry.id)
    .fetch_one(&state.db.read)
    .await?;
    let review = version_blueprint(&state.db.read, &exam.session.blueprint_version_id)
        .await?
        .review;
    let result = (review != Review::Nothing).then(|| shown(outcome, points, max, &detail));
    let submitted_at = exam
        .entry
        .clock
        .ended_at
        .map(clock::format_local_seconds)
        .unwrap_or_default();
    let page = ReceiptPage {
        chrome: page.0,
        attempt_key: state.attempt_key(&exam.entry.id),
        ended: query.notice.as_deref() == Some("exam.ended"),
        exam,
        submitted_at,
        digest,
        review,
        closed,
        result,
    };
    render(&page, 200)
}
