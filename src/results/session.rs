//! A session's results (kết quả thi) for its centre manager, its proctors and admins: every
//! candidate with the total, each part and the verdict, sorted and paged by plain links; the
//! approval state; and the approval itself, for the centre manager or an admin.

use std::collections::HashMap;

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    approval::{self, Approval, ApprovalRefusal},
    model::verdict,
    table::{self, Dir, Row, SortBy},
};
use crate::{
    accounts::{Staff, model::Action},
    attempts::store::{self as attempts, RosterEntry},
    blueprints::{model::Part, store as blueprints},
    clock,
    grading::{self, model::StoredResult},
    sessions::{model::ExamSession, visible_to},
    web::{AppError, AppState, Chrome, pager, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/results", web::get().to(page))
        .route("/sessions/{id}/results/approve", web::post().to(approve));
}

/// The notices a redirect may ask this page to show.
const NOTICES: [&str; 1] = ["result.approved"];

/// Each roster entry's row, in the roster's order; `parts` are the blueprint's.
pub fn rows_of(
    session: &ExamSession,
    parts: &[Part],
    roster: &[RosterEntry],
    results: &HashMap<String, StoredResult>,
) -> Vec<Row> {
    roster
        .iter()
        .map(|entry| {
            let current = results.get(&entry.id);
            let score = current.and_then(|r| r.score.as_ref());
            Row {
                attempt_id: entry.id.clone(),
                person_id: entry.person_id.clone(),
                candidate_number: entry.candidate_number.clone(),
                full_name: entry.full_name.clone(),
                total: score.map(|s| s.total),
                parts: parts
                    .iter()
                    .map(|part| {
                        score
                            .and_then(|s| s.parts.iter().find(|p| p.code == part.code))
                            .filter(|p| p.recorded)
                            .map(|p| p.tally)
                    })
                    .collect(),
                verdict: verdict(entry.clock.state(), session.closed_at.is_some(), current),
            }
        })
        .collect()
}

/// The session's candidates with their results, and the blueprint's parts.
pub async fn load_rows(
    state: &AppState,
    session: &ExamSession,
) -> Result<(Vec<Part>, Vec<Row>), AppError> {
    let blueprint =
        blueprints::version_blueprint(&state.db.read, &session.blueprint_version_id).await?;
    let roster = attempts::roster(&state.db.read, &session.id).await?;
    let results = grading::store::of_session(&state.db.read, &session.id).await?;
    let rows = rows_of(session, &blueprint.parts, &roster, &results);
    Ok((blueprint.parts.clone(), rows))
}

#[derive(Default, Deserialize)]
struct TableQuery {
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "results/session.html")]
struct ResultsPage {
    chrome: Chrome,
    session: ExamSession,
    parts: Vec<Part>,
    rows: Vec<Row>,
    candidates: usize,
    sort: SortBy,
    dir: Dir,
    page: usize,
    pages: usize,
    approval: Option<Approval>,
    can_approve: bool,
    notice: Option<&'static str>,
    refusal: Option<&'static str>,
    /// Regrades after a key correction that touched this session.
    regrades: Vec<super::regrade::view::Touching>,
}

impl ResultsPage {
    fn base(&self) -> String {
        format!("/sessions/{}/results", self.session.id)
    }

    /// A column heading's link: the other way round when it is the current column.
    fn sort_link(&self, by: &str) -> String {
        let prefix = format!("{}?", self.base());
        pager::sort_link(
            &prefix,
            SortBy::parse(by).as_str(),
            self.sort.as_str(),
            self.dir,
        )
    }

    fn aria_sort(&self, by: &str) -> &'static str {
        pager::aria_sort(SortBy::parse(by).as_str(), self.sort.as_str(), self.dir)
    }

    /// The address of a page, but for its number.
    fn page_prefix(&self) -> String {
        format!(
            "{}?sort={}&dir={}&page=",
            self.base(),
            self.sort.as_str(),
            self.dir.as_str()
        )
    }

    fn approved_at(&self) -> String {
        self.approval
            .as_ref()
            .map(|a| clock::format_local(a.at))
            .unwrap_or_default()
    }
}

async fn results_page(
    staff: Staff,
    state: &AppState,
    id: &str,
    query: TableQuery,
    refusal: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::RunSessions)?;
    let session = visible_to(&state.db, &staff.user, id).await?;
    let (parts, mut rows) = load_rows(state, &session).await?;
    let sort = SortBy::parse(query.sort.as_deref().unwrap_or_default());
    let dir = Dir::parse(query.dir.as_deref().unwrap_or_default());
    table::sort(&mut rows, sort, dir);
    let (page, shown) = pager::page_of(&rows, pager::asked(query.page.as_deref()));
    let page = ResultsPage {
        can_approve: staff.user.role.may(Action::ManageResults),
        chrome: staff.chrome,
        approval: approval::approval(&state.db.read, &session.id).await?,
        parts,
        rows: shown.to_vec(),
        candidates: rows.len(),
        sort,
        dir,
        page,
        pages: pager::page_count(rows.len()),
        notice: query
            .notice
            .and_then(|n| NOTICES.into_iter().find(|k| *k == n)),
        refusal,
        regrades: super::regrade::view::touching(&state.db.read, &session.id).await?,
        session,
    };
    render(&page, if refusal.is_some() { 409 } else { 200 })
}

async fn page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<TableQuery>,
) -> Result<HttpResponse, AppError> {
    results_page(staff, &state, &path, query.into_inner(), None).await
}

async fn approve(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::RunSessions)?;
    let session = visible_to(&state.db, &staff.user, &path).await?;
    staff.require(Action::ManageResults)?;
    let mut tx = state.db.begin_write().await?;
    match approval::approve(&mut tx, &session.id, &staff.user.id).await {
        Ok(_) => {
            tx.commit().await?;
            tracing::info!(session.id = %session.id, "session results approved");
            let target = format!("/sessions/{}/results?notice=result.approved", session.id);
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, target))
                .finish())
        }
        Err(ApprovalRefusal::Failed(e)) => Err(e.into()),
        Err(refusal) => {
            drop(tx);
            let key = refusal.key();
            results_page(staff, &state, &session.id, TableQuery::default(), Some(key)).await
        }
    }
}
