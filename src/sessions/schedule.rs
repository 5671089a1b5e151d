//! Scheduling a session, and changing the schedule while the session has not been opened (a
//! mistyped time, another room, another proctor): the same form and the same checks.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;

use super::{
    model::{ExamSession, ScheduleForm, Status, parse_schedule},
    store::{self, NewSession},
    visible_to,
};
use crate::{
    accounts::{
        Staff,
        model::{Action, Role},
        store as accounts,
    },
    attempts::store::{self as attempts, LogEntry, Note},
    blueprints::{read::read_blueprint, store as blueprints},
    clock,
    orgs::{self, model::OrgKind},
    web::{AppError, AppState, Chrome, FormErrors, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions", web::post().to(create))
        .route("/sessions/new", web::get().to(new))
        .route("/sessions/{id}/edit", web::get().to(edit))
        .route("/sessions/{id}/edit", web::post().to(update));
}

#[derive(Template)]
#[template(path = "sessions/new.html")]
struct SchedulePage {
    chrome: Chrome,
    centre_name: String,
    /// Where the form posts: a new session, or this session's schedule.
    action: String,
    title_key: &'static str,
    blueprints: Vec<(String, String)>,
    rooms: Vec<(String, String)>,
    proctors: Vec<(String, String)>,
    form: ScheduleForm,
    errors: FormErrors,
    /// The chosen blueprint's duration, named by the message for a window that is too short.
    exam_minutes: Option<i64>,
    /// Sessions in the same room at that time: the manager confirms before scheduling.
    overlaps: Vec<ExamSession>,
    /// The session being rescheduled (it does not overlap itself).
    editing: Option<String>,
}

impl SchedulePage {
    /// A problem's message, with the exam's duration where the message names it.
    fn message(&self, key: &str) -> String {
        let minutes = self.exam_minutes.unwrap_or_default().to_string();
        self.chrome.fill(key, &[("minutes", &minutes)])
    }

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

/// The form with the centre's blueprints, rooms and proctors to choose from.
async fn schedule_page(
    staff: Staff,
    state: &AppState,
    centre: orgs::model::Organisation,
    (action, title_key): (String, &'static str),
    form: ScheduleForm,
) -> Result<SchedulePage, AppError> {
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
    Ok(SchedulePage {
        chrome: staff.chrome,
        centre_name: centre.name,
        action,
        title_key,
        blueprints,
        rooms,
        proctors,
        form,
        errors: FormErrors::default(),
        exam_minutes: None,
        overlaps: vec![],
        editing: None,
    })
}

/// A blueprint's newest version and its exam's duration in minutes.
async fn newest_version(
    state: &AppState,
    blueprint_id: &str,
) -> Result<Option<(blueprints::VersionRow, i64)>, AppError> {
    let version = blueprints::versions(&state.db.read, blueprint_id)
        .await?
        .into_iter()
        .next();
    Ok(version.and_then(|v| {
        let duration = read_blueprint("stored", &v.source).0?.duration_minutes;
        Some((v, i64::from(duration)))
    }))
}

/// A form that passed every check: what to store.
struct Checked {
    schedule: super::model::Schedule,
    blueprint_version_id: String,
    duration: i64,
}

impl Checked {
    /// What the store writes, for a session of this organisation.
    fn session<'a>(
        &'a self,
        organisation_id: &'a str,
        form: &'a ScheduleForm,
        actor: &'a str,
    ) -> NewSession<'a> {
        NewSession {
            organisation_id,
            blueprint_version_id: &self.blueprint_version_id,
            room_id: &form.room,
            duration_minutes: self.duration,
            schedule: &self.schedule,
            proctors: &form.proctor,
            created_by: Some(actor),
        }
    }
}

/// Checks the form against what the page offers; problems go on the page.
async fn check(state: &AppState, page: &mut SchedulePage) -> Result<Option<Checked>, AppError> {
    let form = &page.form;
    let mut errors = FormErrors::default();
    let (version, duration) = match page.blueprints.iter().find(|(id, _)| *id == form.blueprint) {
        Some((id, _)) => newest_version(state, id).await?.unzip(),
        None => (None, None),
    };
    page.exam_minutes = duration;
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
    let schedule = parse_schedule(form, duration, clock::now_ms());
    if let Err(problems) = &schedule {
        problems.iter().for_each(|p| errors.push(*p));
    }
    if let Ok(s) = &schedule
        && errors.is_empty()
        && form.overlap_ok.is_none()
    {
        let window = (s.starts_at, s.ends_at);
        let except = page.editing.as_deref();
        page.overlaps = store::overlapping(&state.db.read, &form.room, window, except).await?;
    }
    if !page.overlaps.is_empty() {
        errors.push(("overlap_ok", "session.more.overlap_confirm"));
    }
    match (schedule, version, duration) {
        (Ok(schedule), Some(version), Some(duration)) if errors.is_empty() => Ok(Some(Checked {
            schedule,
            blueprint_version_id: version.id,
            duration,
        })),
        _ => {
            page.errors = errors;
            Ok(None)
        }
    }
}

/// A form that may repeat a field (several proctors).
fn read_form(body: &str) -> Result<ScheduleForm, AppError> {
    serde_html_form::from_str(body).map_err(|_| AppError::BadRequest("error.form_invalid"))
}

async fn new(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<CentreQuery>,
) -> Result<HttpResponse, AppError> {
    let centre = centre_for(&staff, &state, query.centre.as_deref()).await?;
    let action = format!("/sessions?centre={}", centre.id);
    let mut page = schedule_page(
        staff,
        &state,
        centre,
        (action, "session.new_title"),
        ScheduleForm::blank(),
    )
    .await?;
    // One blueprint to choose from: chosen, and the window fits its exam.
    let mut duration = 60;
    if let [(only, _)] = page.blueprints.as_slice() {
        page.form.blueprint.clone_from(only);
        if let Some((_, minutes)) = newest_version(&state, only).await? {
            duration = minutes;
        }
    }
    page.form = std::mem::take(&mut page.form).starting_after(clock::now_ms(), duration);
    render(&page, 200)
}

async fn create(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<CentreQuery>,
    body: String,
) -> Result<HttpResponse, AppError> {
    let form = read_form(&body)?;
    let centre = centre_for(&staff, &state, query.centre.as_deref()).await?;
    let (actor, centre_id) = (staff.user.id.clone(), centre.id.clone());
    let action = format!("/sessions?centre={}", centre.id);
    let mut page =
        schedule_page(staff, &state, centre, (action, "session.new_title"), form).await?;
    let Some(checked) = check(&state, &mut page).await? else {
        return render(&page, 422);
    };
    let mut tx = state.db.begin_write().await?;
    let new = checked.session(&centre_id, &page.form, &actor);
    let (id, code) = store::insert(&mut tx, new).await?;
    let note = Note {
        actor: Some(&actor),
        detail: format!("{code} {}", checked.schedule.title),
        ..Default::default()
    };
    attempts::log(
        &mut tx,
        LogEntry {
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

/// The session, if its schedule may still change: this manager's, not yet opened.
async fn reschedulable(
    staff: &Staff,
    state: &AppState,
    id: &str,
) -> Result<(ExamSession, orgs::model::Organisation), AppError> {
    staff.require(Action::ScheduleSessions)?;
    let session = visible_to(&state.db, &staff.user, id).await?;
    if session.status() != Status::Scheduled {
        return Err(AppError::Conflict("session.not_reschedulable"));
    }
    let centre = orgs::visible_to(&state.db, &staff.user, &session.organisation_id).await?;
    Ok((session, centre))
}

/// The form filled with the session as scheduled.
async fn as_scheduled(state: &AppState, session: &ExamSession) -> Result<ScheduleForm, AppError> {
    let blueprint: String =
        sqlx::query_scalar("SELECT blueprint_id FROM blueprint_versions WHERE id = $1")
            .bind(&session.blueprint_version_id)
            .fetch_one(&state.db.read)
            .await?;
    let proctors = store::proctors(&state.db.read, &session.id).await?;
    let on = |flag: i64| (flag == 1).then(|| "on".to_string());
    Ok(ScheduleForm {
        title: session.title.clone(),
        blueprint,
        room: session.room_id.clone(),
        date: session.day().display(),
        start: clock::format_local_time(session.starts_at),
        end: clock::format_local_time(session.ends_at),
        late_entry: session.late_entry_minutes.to_string(),
        reauthorise: on(session.reauthorise_on_return),
        allow_reopen: on(session.allow_reopen),
        ask_birth_date: on(session.ask_birth_date),
        proctor: proctors.into_iter().map(|(id, _)| id).collect(),
        overlap_ok: None,
    })
}

async fn edit(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (session, centre) = reschedulable(&staff, &state, &path).await?;
    let form = as_scheduled(&state, &session).await?;
    let action = format!("/sessions/{}/edit", session.id);
    let page = schedule_page(staff, &state, centre, (action, "session.edit_title"), form).await?;
    render(&page, 200)
}

async fn update(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: String,
) -> Result<HttpResponse, AppError> {
    let form = read_form(&body)?;
    let (session, centre) = reschedulable(&staff, &state, &path).await?;
    let actor = staff.user.id.clone();
    let action = format!("/sessions/{}/edit", session.id);
    let mut page =
        schedule_page(staff, &state, centre, (action, "session.edit_title"), form).await?;
    page.editing = Some(session.id.clone());
    let Some(checked) = check(&state, &mut page).await? else {
        return render(&page, 422);
    };
    let mut tx = state.db.begin_write().await?;
    let changed = checked.session(&session.organisation_id, &page.form, &actor);
    if !store::reschedule(&mut tx, &session.id, changed).await? {
        return Err(AppError::Conflict("session.not_reschedulable"));
    }
    let detail = format!(
        "{} → {}",
        session.when(),
        clock::format_local(checked.schedule.starts_at)
    );
    let note = Note {
        actor: Some(&actor),
        detail,
        ..Default::default()
    };
    attempts::log(
        &mut tx,
        LogEntry {
            session_id: &session.id,
            attempt_id: None,
            action: "session_reschedule",
            states: None,
            note,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/sessions/{}", session.id)))
        .finish())
}
