//! One candidate's result for staff (`/sessions/{id}/results/{attempt}`): every item with its
//! question, the answer and the key as the candidate saw them, the rule and the points; totals
//! by part and by topic; the verdict; and every result the attempt has had. Seen by those who
//! may see the session (its centre's manager, its proctors, admins).

use actix_web::{HttpResponse, web};
use askama::Template;

use super::model::{Verdict, verdict};
use crate::{
    accounts::{Staff, model::Action},
    attempts::{
        answers::{ReadItem, read_items, topic_totals},
        store::{self as attempts, RosterEntry},
    },
    blueprints::{model::Blueprint, store::version_blueprint},
    clock,
    grading::{
        self,
        model::{Outcome, ScoreResult, StoredResult},
    },
    sessions::{model::ExamSession, visible_to},
    vocab::{Lang, display_date},
    web::{AppError, AppState, Chrome, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/results/{attempt}", web::get().to(page));
}

/// A candidate of a session with their current result, for the staff pages.
pub(super) struct Sitter {
    pub session: ExamSession,
    pub entry: RosterEntry,
    pub blueprint: std::sync::Arc<Blueprint>,
    /// Every result the attempt has had, oldest first; the last is the current one.
    pub history: Vec<StoredResult>,
    pub verdict: Verdict,
}

impl Sitter {
    /// The attempt, if this staff member may see its session; anyone else gets "not found".
    pub async fn load(
        staff: &Staff,
        state: &AppState,
        session_id: &str,
        attempt_id: &str,
    ) -> Result<Self, AppError> {
        staff.require(Action::RunSessions)?;
        let session = visible_to(&state.db, &staff.user, session_id).await?;
        let entry = attempts::entry(&state.db.read, attempt_id)
            .await?
            .filter(|e| e.session_id == session.id)
            .ok_or(AppError::NotFound)?;
        let history = grading::store::history(&state.db.read, attempt_id).await?;
        let blueprint = version_blueprint(&state.db.read, &session.blueprint_version_id).await?;
        let verdict = verdict(
            entry.clock.state(),
            session.closed_at.is_some(),
            history.last(),
        );
        Ok(Self {
            session,
            entry,
            blueprint,
            history,
            verdict,
        })
    }

    pub fn score(&self) -> Option<&ScoreResult> {
        self.history.last().and_then(|r| r.score.as_ref())
    }

    pub fn birth(&self) -> String {
        display_date(&self.entry.birth_date)
    }

    /// Each part of the blueprint: its title, points ("9,5/10") and outcome's catalog key.
    pub fn parts(&self) -> Vec<(String, String, &'static str)> {
        let Some(score) = self.score() else {
            return vec![];
        };
        score
            .parts
            .iter()
            .map(|p| {
                let title = self
                    .blueprint
                    .parts
                    .iter()
                    .find(|bp| bp.code == p.code)
                    .map_or_else(|| p.code.clone(), |bp| bp.title.clone());
                let outcome = if p.recorded {
                    outcome_key(p.outcome)
                } else {
                    "result.one.not_entered"
                };
                (title, p.tally.display(), outcome)
            })
            .collect()
    }
}

/// The catalog key of an outcome's name.
pub(super) fn outcome_key(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => Verdict::Pass.label_key(),
        Outcome::Fail => Verdict::Fail.label_key(),
        Outcome::Pending => Verdict::AwaitingPractical.label_key(),
    }
}

/// One row of the result history.
struct HistoryRow {
    seq: i64,
    at: String,
    kind_key: &'static str,
    by: Option<String>,
    reason: String,
    total: String,
    outcome_key: Option<&'static str>,
    after_approval: bool,
}

impl HistoryRow {
    fn of(r: &StoredResult) -> Self {
        Self {
            seq: r.seq,
            at: clock::format_local(r.created_at),
            kind_key: r.kind.label_key(),
            by: r.recorded_by_name.clone(),
            reason: r.reason.clone().unwrap_or_default(),
            total: r.total().map(|t| t.display()).unwrap_or_default(),
            outcome_key: r.outcome().map(outcome_key),
            after_approval: r.after_approval,
        }
    }
}

#[derive(Template)]
#[template(path = "results/candidate.html")]
struct CandidatePage {
    chrome: Chrome,
    sitter: Sitter,
    parts: Vec<(String, String, &'static str)>,
    topics: Vec<(String, String)>,
    items: Vec<ReadItem>,
    history: Vec<HistoryRow>,
}

impl CandidatePage {
    fn total(&self) -> String {
        self.sitter
            .score()
            .map(|s| s.total.display())
            .unwrap_or_default()
    }
}

async fn page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (session_id, attempt_id) = path.into_inner();
    let sitter = Sitter::load(&staff, &state, &session_id, &attempt_id).await?;
    let lang: Lang = staff.chrome.lang;
    let history = sitter.history.iter().map(HistoryRow::of).collect();
    let (topics, items) = match (sitter.score(), sitter.entry.clock.paper_id.as_deref()) {
        (Some(score), Some(paper)) => {
            let mut conn = state.db.read.acquire().await?;
            (
                topic_totals(score, lang),
                read_items(&mut conn, &attempt_id, paper, score, lang).await?,
            )
        }
        _ => (vec![], vec![]),
    };
    let page = CandidatePage {
        chrome: staff.chrome,
        parts: sitter.parts(),
        sitter,
        topics,
        items,
        history,
    };
    render(&page, 200)
}
