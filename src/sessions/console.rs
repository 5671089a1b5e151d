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
const NOTICES: [&str; 19] = [
    "console.device_approved",
    "console.done",
    "staff.more.done_check_in",
    "staff.more.done_authorise",
    "staff.more.done_pause",
    "staff.more.done_resume",
    "staff.more.done_extra_time",
    "staff.more.done_terminate",
    "staff.more.done_reopen",
    "staff.more.done_unlock",
    "console.opened",
    "console.closed",
    "console.incident_logged",
    "staff.more.incident_logged_for",
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
    /// The notice after an action, filled in: what was done, to whom.
    notice: Option<String>,
    /// The notice tells of a refusal (shown as a warning).
    notice_warning: bool,
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

/// Whom a notice names: "Nguyễn Văn A (SBD 012)" for a candidate number of the roster;
/// anything else (a count) as it came.
fn named(chrome: &Chrome, rows: &[Row], who: &str) -> String {
    match rows.iter().find(|r| r.entry.candidate_number == who) {
        Some(r) => chrome.fill(
            "staff.more.candidate",
            &[
                ("name", &r.entry.full_name),
                ("number", &r.entry.candidate_number),
            ],
        ),
        None => who.to_string(),
    }
}

/// The notice a console action left in the URL, filled in; unknown keys show nothing. What it
/// names comes from the roster and the session (`opens`: from when the session may be opened),
/// never as text from the URL.
fn notice_text(
    chrome: &Chrome,
    rows: &[Row],
    query: &ConsoleQuery,
    opens: &str,
) -> Option<(String, bool)> {
    let key = NOTICES
        .into_iter()
        .find(|k| Some(*k) == query.notice.as_deref())?;
    let who: String = query
        .who
        .as_deref()
        .unwrap_or_default()
        .chars()
        .take(20)
        .collect();
    let minutes = query
        .n
        .as_deref()
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| (1..=120).contains(n))
        .map(|n| n.to_string())
        .unwrap_or_default();
    // Never a notice with a hole where the minutes go.
    let key = match key {
        "staff.more.done_extra_time" if minutes.is_empty() => "console.done",
        // The time has come since: nothing to say.
        "session.more.open_early_not_allowed" if opens.is_empty() => return None,
        key => key,
    };
    let text = chrome.fill(
        key,
        &[
            ("who", &named(chrome, rows, &who)),
            ("n", &minutes),
            ("from", opens),
        ],
    );
    Some((
        text,
        key.ends_with("conflict") || key.ends_with("not_allowed"),
    ))
}

/// The console's notice after a change to one candidate: what was done.
fn done_key(change: &Change) -> &'static str {
    match change {
        Change::CheckIn { .. } => "staff.more.done_check_in",
        Change::Authorise => "staff.more.done_authorise",
        Change::Pause => "staff.more.done_pause",
        Change::Resume => "staff.more.done_resume",
        Change::ExtraTime { .. } => "staff.more.done_extra_time",
        Change::Terminate => "staff.more.done_terminate",
        Change::Reopen => "staff.more.done_reopen",
        _ => "console.done",
    }
}

/// Reasons only closing the session may give ("the session ended as scheduled").
pub(super) const CLOSING_ONLY: [&str; 1] = ["schedule.end"];

/// The irregularity list grouped for `<optgroup>`s: (category key, [(code, label key)]);
/// the reasons of closing only when `closing`, and no empty group.
pub(super) fn reason_groups(closing: bool) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    reasons::CATEGORIES
        .iter()
        .map(|c| {
            (
                *c,
                reasons::of_category(c)
                    .filter(|r| closing || !CLOSING_ONLY.contains(r))
                    .map(|r| (r, reasons::label_key(r)))
                    .collect::<Vec<_>>(),
            )
        })
        .filter(|(_, reasons)| !reasons.is_empty())
        .collect()
}

#[derive(Deserialize)]
struct ConsoleQuery {
    notice: Option<String>,
    who: Option<String>,
    /// Minutes of extra time, for its notice.
    n: Option<String>,
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
    let opens = session.opens_from(state.settings.open_early_minutes, now);
    let opens = opens.map(clock::format_local).unwrap_or_default();
    let notice = notice_text(&staff.chrome, &rows, &query, &opens);
    let page = ConsolePage {
        chrome: staff.chrome,
        session,
        rows,
        notice_warning: notice.as_ref().is_some_and(|(_, w)| *w),
        notice: notice.map(|(text, _)| text),
        reason_groups: reason_groups(false),
        updated_at,
        restarted,
        guessed,
    };
    render(&page, 200)
}

pub(super) fn back_to_console(session_id: &str, notice: &str, who: &str) -> HttpResponse {
    let who: String = url::form_urlencoded::byte_serialize(who.as_bytes()).collect();
    let target = format!("/sessions/{session_id}/console?notice={notice}&who={who}#progress");
    see_other(target)
}

fn see_other(target: String) -> HttpResponse {
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
            if let Change::ExtraTime { ms } = change {
                let (number, n) = (&entry.candidate_number, ms / 60_000);
                let who: String = url::form_urlencoded::byte_serialize(number.as_bytes()).collect();
                return Ok(see_other(format!(
                    "/sessions/{}/console?notice={}&who={who}&n={n}#progress",
                    session.id,
                    done_key(&change)
                )));
            }
            done_key(&change)
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
    Ok(match attempt {
        Some(a) => back_to_console(
            &session.id,
            "staff.more.incident_logged_for",
            &a.candidate_number,
        ),
        None => back_to_console(&session.id, "console.incident_logged", ""),
    })
}
