//! The proctor's console: one screen for the room, with live progress that refreshes itself
//! (or with a plain reload, without scripts; the table is `progress`) and the incident log;
//! and the helpers every console action shares. Letting candidates in is in `admission`, interventions with a reason
//! in `interventions`.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    interventions::{act, act_form, room_act, room_form},
    model::{ExamSession, Status},
    progress::{self, ProgressPart, Row, count},
    visible_to,
};
use crate::{
    accounts::{Staff, model::Action},
    attempts::{
        clock::Change,
        guessing::{self, Guessed},
        model::AttemptState,
        reasons,
        store::{self as attempts, ChangeError, LogEntry, Note},
    },
    clock,
    web::{AppError, AppState, Chrome, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    // Admission's routes first: their paths would also match `{action}` below.
    super::admission::routes(cfg);
    cfg.route("/sessions/{id}/console", web::get().to(console))
        .route("/sessions/{id}/incidents", web::post().to(incident))
        .route(
            "/sessions/{id}/attempts/{attempt}/{action}",
            web::get().to(act_form),
        )
        .route(
            "/sessions/{id}/attempts/{attempt}/{action}",
            web::post().to(act),
        )
        .route("/sessions/{id}/room/{action}", web::get().to(room_form))
        .route("/sessions/{id}/room/{action}", web::post().to(room_act));
}

/// Messages the console shows after an action (only these keys are accepted from the URL).
const NOTICES: [&str; 10] = [
    "console.device_approved",
    "console.done",
    "console.opened",
    "console.closed",
    "console.incident_logged",
    "console.authorised_all",
    "console.room_done",
    "console.conflict",
    "console.not_allowed",
    "session.more.open_early_not_allowed",
];

#[derive(Template)]
#[template(path = "sessions/console.html")]
struct ConsolePage {
    chrome: Chrome,
    session: ExamSession,
    rows: Vec<Row>,
    notice: Option<&'static str>,
    who: String,
    reason_groups: Vec<(&'static str, Vec<(&'static str, String)>)>,
    updated_at: String,
    /// `hh:mm:ss` of a restart that still keeps attempts paused.
    restarted: Option<String>,
    /// Candidate numbers with wrong access codes in the throttle window.
    guessed: Vec<Guessed>,
}

impl ConsolePage {
    fn count(&self, state: &str) -> usize {
        count(&self.rows, state)
    }
    fn is_open(&self) -> bool {
        self.session.status() == Status::Open
    }
    fn is_scheduled(&self) -> bool {
        self.session.status() == Status::Scheduled
    }
    fn is_closed(&self) -> bool {
        self.session.status() == Status::Closed
    }
}

/// The irregularity list grouped for `<optgroup>`s: (category key, [(code, label key)]).
pub(super) fn reason_groups() -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    reasons::CATEGORIES
        .iter()
        .map(|c| {
            (
                *c,
                reasons::of_category(c)
                    .map(|r| (r, reasons::label_key(r)))
                    .collect(),
            )
        })
        .collect()
}

#[derive(Deserialize)]
struct ConsoleQuery {
    notice: Option<String>,
    who: Option<String>,
    part: Option<String>,
}

/// The session, if this staff member may run it.
async fn runnable(staff: &Staff, state: &AppState, id: &str) -> Result<ExamSession, AppError> {
    staff.require(Action::RunSessions)?;
    visible_to(&state.db, &staff.user, id).await
}

/// The session, if it still accepts actions.
pub(super) async fn accepting(
    staff: &Staff,
    state: &AppState,
    id: &str,
) -> Result<ExamSession, AppError> {
    let session = runnable(staff, state, id).await?;
    if let Some(key) = session.over() {
        return Err(AppError::Conflict(key));
    }
    Ok(session)
}

async fn console(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ConsoleQuery>,
) -> Result<HttpResponse, AppError> {
    let session = runnable(&staff, &state, &path).await?;
    let now = clock::now_ms();
    let rows = progress::rows(&state, &session.id, now).await?;
    let restarted = progress::restarted(&state, &session.id, &rows).await?;
    let query = query.into_inner();
    let updated_at = clock::format_local_seconds(now);
    if query.part.as_deref() == Some("rows") {
        let part = ProgressPart {
            chrome: staff.chrome,
            session,
            rows,
            updated_at,
            restarted,
        };
        return render(&part, 200);
    }
    let guessed = guessing::guessed(&state.db.read, &session.id, now).await?;
    let page = ConsolePage {
        chrome: staff.chrome,
        session,
        rows,
        notice: query
            .notice
            .and_then(|n| NOTICES.into_iter().find(|k| *k == n)),
        who: query.who.unwrap_or_default().chars().take(20).collect(),
        reason_groups: reason_groups(),
        updated_at,
        restarted,
        guessed,
    };
    render(&page, 200)
}

pub(super) fn back_to_console(session_id: &str, notice: &str, who: &str) -> HttpResponse {
    let who: String = url::form_urlencoded::byte_serialize(who.as_bytes()).collect();
    let target = format!("/sessions/{session_id}/console?notice={notice}&who={who}#progress");
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .finish()
}

/// Applies a change to one attempt of the session and goes back to the console saying how it went.
pub(super) async fn change_one(
    state: &AppState,
    session: &ExamSession,
    attempt_id: &str,
    change: Change,
    note: Note<'_>,
) -> Result<HttpResponse, AppError> {
    let entry = attempts::entry(&state.db.read, attempt_id)
        .await?
        .filter(|e| e.session_id == session.id)
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let notice = match attempts::apply(&mut tx, &entry.id, &change, clock::now_ms(), note).await {
        Ok(_) => {
            tx.commit().await?;
            "console.done"
        }
        Err(ChangeError::NotAllowed(_)) => "console.not_allowed",
        Err(ChangeError::Conflict) => "console.conflict",
        Err(ChangeError::NotFound) => return Err(AppError::NotFound),
        Err(ChangeError::Db(e)) => return Err(e.into()),
        Err(ChangeError::Other(e)) => return Err(e.into()),
    };
    Ok(back_to_console(
        &session.id,
        notice,
        &entry.candidate_number,
    ))
}

/// Applies one change to every attempt of the session in a state, in one transaction; attempts
/// someone else changed meanwhile are left as they are. Returns how many changed.
pub(super) async fn change_all(
    state: &AppState,
    session: &ExamSession,
    from: AttemptState,
    change: &Change,
    note: &Note<'_>,
) -> Result<usize, AppError> {
    let mut tx = state.db.begin_write().await?;
    let ids = attempts::in_state(&mut tx, &session.id, from).await?;
    let now = clock::now_ms();
    let mut changed = 0;
    for id in ids {
        match attempts::apply(&mut tx, &id, change, now, note.clone()).await {
            Ok(_) => changed += 1,
            Err(ChangeError::Db(e)) => return Err(e.into()),
            Err(ChangeError::Other(e)) => return Err(e.into()),
            Err(_) => {}
        }
    }
    tx.commit().await?;
    Ok(changed)
}

/// Logs an incident (with or without a candidate) without changing anyone's state.
async fn incident(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<super::interventions::ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let session = accepting(&staff, &state, &path).await?;
    let form = form.into_inner();
    let Ok((reason, comment, _)) = super::interventions::read_reason(&form, false) else {
        return Ok(back_to_console(&session.id, "console.not_allowed", ""));
    };
    let attempt = match form.attempt.trim() {
        "" => None,
        id => Some(
            attempts::entry(&state.db.read, id)
                .await?
                .filter(|e| e.session_id == session.id)
                .ok_or(AppError::BadRequest("console.candidate_unknown"))?,
        ),
    };
    let mut tx = state.db.begin_write().await?;
    let note = Note {
        actor: Some(&staff.user.id),
        reason: Some(reason.code()),
        comment: &comment,
        detail: String::new(),
    };
    let entry = LogEntry {
        session_id: &session.id,
        attempt_id: attempt.as_ref().map(|a| a.id.as_str()),
        action: "incident",
        states: None,
        note,
    };
    attempts::log(&mut tx, entry).await?;
    tx.commit().await?;
    let who = attempt.map(|a| a.candidate_number).unwrap_or_default();
    Ok(back_to_console(
        &session.id,
        "console.incident_logged",
        &who,
    ))
}
