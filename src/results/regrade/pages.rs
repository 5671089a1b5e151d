//! The regrade's page (`/regrades/{bank version id}`) for centre managers and admins: the
//! correction and its reason, how many results have been scored again (refreshing itself
//! until done), every result it changed with whose outcome flipped first, and whether their
//! sessions' results had already been approved.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::view::{self, Change, Correction, Flip, Progress, SetAside};
use crate::{
    accounts::{Staff, model::Action},
    clock,
    grading::model::Outcome,
    web::{AppError, AppState, Chrome, pager, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/regrades/{id}", web::get().to(page));
}

#[derive(Template)]
#[template(path = "results/regrade.html")]
struct RegradePage {
    chrome: Chrome,
    correction: Correction,
    progress: Option<Progress>,
    changes: Vec<Change>,
    fail_to_pass: usize,
    pass_to_fail: usize,
    approved_changed: usize,
    set_aside: Vec<SetAside>,
    page: usize,
    pages: usize,
}

impl RegradePage {
    fn when(&self, at: &i64) -> String {
        clock::format_local(*at)
    }

    fn running(&self) -> bool {
        self.progress
            .as_ref()
            .is_none_or(|p| p.finished_at.is_none())
    }

    /// Percent done, for the progress bar.
    fn percent(&self) -> i64 {
        match &self.progress {
            Some(p) if p.total > 0 => p.done * 100 / p.total,
            Some(_) => 100,
            None => 0,
        }
    }

    fn flip_key(&self, change: &Change) -> &'static str {
        match change.flip() {
            Some(Flip::FailToPass) => "regrade.fail_to_pass",
            Some(Flip::PassToFail) => "regrade.pass_to_fail",
            None => "regrade.same_outcome",
        }
    }

    fn outcome(&self, outcome: &Outcome) -> &'static str {
        self.chrome.t(match outcome {
            Outcome::Pass => "exam.outcome_pass",
            Outcome::Fail => "exam.outcome_fail",
            Outcome::Pending => "exam.outcome_pending",
        })
    }

    fn page_prefix(&self) -> String {
        format!("/regrades/{}?page=", self.correction.bank_version_id)
    }
}

async fn page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<pager::PageQuery>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageResults)?;
    let correction = view::correction(&state.db.read, &path)
        .await?
        .filter(|c| c.corrected > 0)
        .ok_or(AppError::NotFound)?;
    crate::orgs::visible_to(&state.db, &staff.user, &correction.organisation_id).await?;
    let progress = view::progress(&state.db.read, &correction.bank_version_id).await?;
    let changes = view::changes(&state.db.read, &staff.user, &correction.bank_version_id).await?;
    let count = |flip| changes.iter().filter(|c| c.flip() == Some(flip)).count();
    let (page, shown) = pager::page_of(&changes, pager::asked(query.page.as_deref()));
    let page = RegradePage {
        fail_to_pass: count(Flip::FailToPass),
        pass_to_fail: count(Flip::PassToFail),
        approved_changed: changes.iter().filter(|c| c.after_approval).count(),
        set_aside: view::set_aside(&state.db.read, &staff.user, &correction.bank_version_id)
            .await?,
        pages: pager::page_count(changes.len()),
        page,
        changes: shown.to_vec(),
        chrome: staff.chrome,
        correction,
        progress,
    };
    render(&page, 200)
}
