//! Session pages for centre managers: the list, the scheduling form, and a session's page
//! with its proctors and roster (adding candidates and importing rosters is in `enrolment`).

use actix_web::{HttpResponse, http::header, web};
use askama::Template;

use super::{
    model::{ExamSession, ScheduleForm, parse_schedule},
    store::{self, NewSession, Scope},
    visible_to,
};
use crate::{
    accounts::{
        Staff,
        model::{Action, Role},
        store as accounts,
    },
    attempts::store::{self as attempts, RosterEntry},
    blueprints::{read::read_blueprint, store as blueprints},
    orgs::{self, model::OrgKind},
    web::{AppError, AppState, Chrome, FormErrors, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions", web::get().to(list))
        .route("/sessions", web::post().to(create))
        .route("/sessions/new", web::get().to(new))
        .route("/sessions/{id}", web::get().to(detail));
    super::enrolment::routes(cfg);
}

#[derive(Template)]
#[template(path = "sessions/list.html")]
struct ListPage {
    chrome: Chrome,
    sessions: Vec<ExamSession>,
    /// Centres a new session may be scheduled at: (id, name).
    schedule_at: Vec<(String, String)>,
}

async fn list(staff: Staff, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    staff.require(Action::RunSessions)?;
    let user = &staff.user;
    let scope = match user.role {
        Role::Admin => Scope::Department(&user.department_id),
        Role::CentreManager => Scope::Centre(&user.organisation_id),
        Role::Proctor => Scope::Proctor(&user.id),
    };
    let sessions = store::listed(&state.db.read, scope).await?;
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
        chrome: staff.chrome,
        sessions,
        schedule_at,
    };
    render(&page, 200)
}

#[derive(Template)]
#[template(path = "sessions/new.html")]
struct NewPage {
    chrome: Chrome,
    centre_id: String,
    centre_name: String,
    blueprints: Vec<(String, String)>,
    rooms: Vec<(String, String)>,
    proctors: Vec<(String, String)>,
    form: ScheduleForm,
    errors: FormErrors,
}

impl NewPage {
    fn picked(&self, proctor: &str) -> bool {
        self.form.proctor.iter().any(|p| p == proctor)
    }
}

#[derive(serde::Deserialize)]
struct CentreQuery {
    centre: Option<String>,
}

/// The centre a session is scheduled at: a manager's own; for an admin, the one chosen.
async fn centre_for(
    staff: &Staff,
    state: &AppState,
    chosen: Option<&str>,
) -> Result<orgs::model::Organisation, AppError> {
    staff.require(Action::ScheduleSessions)?;
    let id = match staff.user.role {
        Role::Admin => chosen.ok_or(AppError::BadRequest("session.centre_required"))?,
        _ => staff.user.organisation_id.as_str(),
    };
    let centre = orgs::visible_to(&state.db, &staff.user, id).await?;
    if centre.kind() != OrgKind::Centre {
        return Err(AppError::BadRequest("session.centre_required"));
    }
    Ok(centre)
}

async fn new_page(
    staff: Staff,
    state: &AppState,
    centre: orgs::model::Organisation,
    form: ScheduleForm,
    errors: FormErrors,
) -> Result<NewPage, AppError> {
    let blueprints = blueprints::blueprints_of(&state.db.read, &staff.user.department_id, None)
        .await?
        .into_iter()
        .filter(|b| {
            b.organisation_id == centre.id
                || Some(b.organisation_id.as_str()) == centre.department_id.as_deref()
        })
        .map(|b| (b.id, format!("{} – {}", b.code, b.title)))
        .collect();
    let rooms = orgs::store::rooms(&state.db.read, &centre.id)
        .await?
        .into_iter()
        .map(|r| (r.id, format!("{} ({})", r.name, r.seats)))
        .collect();
    let proctors = accounts::users_of_department(&state.db.read, &staff.user.department_id)
        .await?
        .into_iter()
        .filter(|u| u.organisation_id == centre.id && u.disabled_at.is_none())
        .map(|u| (u.id, u.full_name))
        .collect();
    Ok(NewPage {
        chrome: staff.chrome,
        centre_id: centre.id,
        centre_name: centre.name,
        blueprints,
        rooms,
        proctors,
        form,
        errors,
    })
}

async fn new(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<CentreQuery>,
) -> Result<HttpResponse, AppError> {
    let centre = centre_for(&staff, &state, query.centre.as_deref()).await?;
    let page = new_page(
        staff,
        &state,
        centre,
        ScheduleForm::blank(),
        FormErrors::default(),
    )
    .await?;
    render(&page, 200)
}

async fn create(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<CentreQuery>,
    body: String,
) -> Result<HttpResponse, AppError> {
    // Several `proctor` fields: read with serde_html_form's repeated-key rules.
    let form: ScheduleForm =
        serde_html_form::from_str(&body).map_err(|_| AppError::BadRequest("error.form_invalid"))?;
    let centre = centre_for(&staff, &state, query.centre.as_deref()).await?;
    let actor = staff.user.id.clone();
    let page = new_page(staff, &state, centre, form, FormErrors::default()).await?;
    let form = &page.form;
    let mut errors = FormErrors::default();
    let blueprint = page.blueprints.iter().find(|(id, _)| *id == form.blueprint);
    let version = match blueprint {
        Some((id, _)) => blueprints::versions(&state.db.read, id)
            .await?
            .into_iter()
            .next(),
        None => None,
    };
    let duration = version
        .as_ref()
        .and_then(|v| read_blueprint("stored", &v.source).0)
        .map(|b| i64::from(b.duration_minutes));
    if duration.is_none() {
        errors.push(("blueprint", "session.blueprint_required"));
    }
    if !page.rooms.iter().any(|(id, _)| *id == form.room) {
        errors.push(("room", "session.room_required"));
    }
    if form.proctor.is_empty()
        || !form
            .proctor
            .iter()
            .all(|p| page.proctors.iter().any(|(id, _)| id == p))
    {
        errors.push(("proctor", "session.proctor_required"));
    }
    let schedule = parse_schedule(form, duration);
    if let Err(problems) = &schedule {
        problems.iter().for_each(|p| errors.push(*p));
    }
    let (Ok(schedule), Some(version), Some(duration), true) =
        (schedule, version, duration, errors.is_empty())
    else {
        let page = NewPage { errors, ..page };
        return render(&page, 422);
    };
    let mut tx = state.db.write.begin().await?;
    let new = NewSession {
        organisation_id: &page.centre_id,
        blueprint_version_id: &version.id,
        room_id: &form.room,
        duration_minutes: duration,
        schedule: &schedule,
        proctors: &form.proctor,
        created_by: Some(&actor),
    };
    let (id, code) = store::insert(&mut tx, new).await?;
    let note = attempts::Note {
        actor: Some(&actor),
        detail: format!("{code} {}", schedule.title),
        ..Default::default()
    };
    attempts::log(
        &mut tx,
        attempts::LogEntry {
            session_id: &id,
            attempt_id: None,
            action: "session_schedule",
            states: None,
            note,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/sessions/{id}")))
        .finish())
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
        })
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
}

async fn detail(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<AddedQuery>,
) -> Result<HttpResponse, AppError> {
    let mut page = DetailPage::load(staff, &state, &path).await?;
    page.added = query
        .into_inner()
        .added
        .filter(|n| page.roster.iter().any(|r| &r.candidate_number == n));
    render(&page, 200)
}
