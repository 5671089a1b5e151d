//! Session pages: the list and a session's page with its proctors and roster (scheduling is
//! in `schedule`; adding candidates and importing rosters in `enrolment`).

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{
    model::ExamSession,
    store::{self, Scope},
    visible_to,
};
use crate::{
    accounts::{
        Staff,
        model::{Action, Role},
    },
    attempts::store::{self as attempts, RosterEntry},
    orgs::{self, model::OrgKind},
    web::{
        AppError, AppState, Chrome, FormErrors,
        pager::{PageQuery, Paged},
        render,
    },
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    super::schedule::routes(cfg);
    cfg.route("/sessions", web::get().to(list))
        .route("/sessions/{id}", web::get().to(detail));
    super::enrolment::routes(cfg);
    super::codes::routes(cfg);
}

#[derive(Template)]
#[template(path = "sessions/list.html")]
struct ListPage {
    chrome: Chrome,
    sessions: Paged<ExamSession>,
    /// Centres a new session may be scheduled at: (id, name).
    schedule_at: Vec<(String, String)>,
    /// The viewer sees several centres' sessions (an admin): the list names each one's centre.
    show_centre: bool,
}

async fn list(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::RunSessions)?;
    let user = &staff.user;
    let sessions = store::listed(&state.db.read, Scope::of(user)).await?;
    let schedule_at = match user.role {
        Role::Admin => orgs::store::of_department(&state.db.read, &user.department_id)
            .await?
            .into_iter()
            .filter(|o| o.kind() == OrgKind::Centre)
            .map(|o| (o.id, o.name))
            .collect(),
        Role::CentreManager => vec![(user.organisation_id.clone(), user.organisation_name.clone())],
        Role::Proctor => vec![],
    };
    let page = ListPage {
        show_centre: user.role == Role::Admin,
        chrome: staff.chrome,
        sessions: Paged::from_query(sessions, &query),
        schedule_at,
    };
    render(&page, 200)
}

#[derive(Template)]
#[template(path = "sessions/detail.html")]
pub(super) struct DetailPage {
    pub chrome: Chrome,
    pub session: ExamSession,
    pub proctors: Vec<(String, String)>,
    pub roster: Vec<RosterEntry>,
    pub can_schedule: bool,
    pub form: super::enrolment::CandidateForm,
    pub errors: FormErrors,
    /// Warnings the manager must confirm before the candidate is added.
    pub warnings: Vec<String>,
    pub added: Option<String>,
    /// The candidate number just taken off the roster.
    pub removed: Option<String>,
}

impl DetailPage {
    pub async fn load(staff: Staff, state: &AppState, id: &str) -> Result<Self, AppError> {
        staff.require(Action::RunSessions)?;
        let session = visible_to(&state.db, &staff.user, id).await?;
        let proctors = store::proctors(&state.db.read, &session.id).await?;
        let roster = attempts::roster(&state.db.read, &session.id).await?;
        let can_schedule = staff.user.role.may(Action::ScheduleSessions);
        Ok(Self {
            chrome: staff.chrome,
            session,
            proctors,
            roster,
            can_schedule,
            form: Default::default(),
            errors: FormErrors::default(),
            warnings: vec![],
            added: None,
            removed: None,
        })
    }

    /// The category picked on the add-a-candidate form (a pupil by default).
    fn category(&self) -> crate::people::model::Category {
        crate::people::model::Category::parse(&self.form.group).unwrap_or_default()
    }

    /// The plan may still change: scheduled, neither opened nor cancelled.
    fn planned(&self) -> bool {
        self.can_schedule && self.session.status() == super::model::Status::Scheduled
    }

    fn proctor_names(&self) -> String {
        self.proctors
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(serde::Deserialize)]
struct AddedQuery {
    added: Option<String>,
    removed: Option<String>,
}

async fn detail(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<AddedQuery>,
) -> Result<HttpResponse, AppError> {
    let mut page = DetailPage::load(staff, &state, &path).await?;
    let query = query.into_inner();
    page.added = query
        .added
        .filter(|n| page.roster.iter().any(|r| &r.candidate_number == n));
    page.removed = query
        .removed
        .filter(|n| n.len() <= 20 && !page.roster.iter().any(|r| &r.candidate_number == n));
    render(&page, 200)
}
