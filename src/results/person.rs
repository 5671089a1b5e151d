//! A person's exams and results (`/people/{id}/results`): every attempt the staff member may
//! see (an admin: the department's; a centre manager: their centre's sessions; a proctor: the
//! sessions assigned to them) with its verdict and total, latest first, fifty to a page.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{
    model::{Verdict, verdict},
    store::{self, PersonAttempt},
};
use crate::{
    accounts::{
        Staff,
        model::{Action, Role},
    },
    clock,
    grading::{self, model::Tally},
    people::{self, model::Person},
    sessions::store::Scope,
    web::{AppError, AppState, Chrome, pager, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/people/{id}/results", web::get().to(page));
}

/// One attempt as the page lists it.
struct Line {
    attempt: PersonAttempt,
    total: Option<Tally>,
    verdict: Verdict,
}

impl Line {
    fn when(&self) -> String {
        clock::format_local(self.attempt.starts_at)
    }
}

#[derive(Template)]
#[template(path = "results/person.html")]
struct PersonPage {
    chrome: Chrome,
    person: Person,
    /// The person's record page is for managers and admins.
    record_link: bool,
    lines: Vec<Line>,
    page: usize,
    pages: usize,
}

impl PersonPage {
    fn page_prefix(&self) -> String {
        format!("/people/{}/results?page=", self.person.id)
    }
}

async fn page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<pager::PageQuery>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::RunSessions)?;
    let user = &staff.user;
    let person = people::store::by_id(&state.db.read, &path)
        .await?
        .filter(|p| p.department_id == user.department_id)
        .ok_or(AppError::NotFound)?;
    let attempts = store::attempts_of_person(&state.db.read, &person.id, Scope::of(user)).await?;
    // Outside an admin's department view, a person is known only through one's sessions.
    if attempts.is_empty() && user.role != Role::Admin {
        return Err(AppError::NotFound);
    }
    let (page, shown) = pager::page_of(&attempts, pager::asked(query.page.as_deref()));
    let results = grading::store::of_person(&state.db.read, &person.id).await?;
    let lines = shown
        .iter()
        .map(|attempt| {
            let current = results.get(&attempt.attempt_id);
            Line {
                verdict: verdict(attempt.state, attempt.closed_at.is_some(), current),
                total: current.and_then(|r| r.total()),
                attempt: attempt.clone(),
            }
        })
        .collect();
    let page = PersonPage {
        record_link: user.role.may(Action::ScheduleSessions),
        chrome: staff.chrome,
        person,
        lines,
        page,
        pages: pager::page_count(attempts.len()),
    };
    render(&page, 200)
}
