//! The proctor's interventions, each on a page of its own that asks for a reason from the
//! irregularity list: pause, resume, extra time, terminate and reopen for one candidate; pause
//! or resume the whole room; and closing the session, which submits what is still running.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{
    console::{CLOSING_ONLY, accepting, back_to_console, change_all, change_one, reason_groups},
    model::ExamSession,
    progress::{Row, resume_reason},
    store,
};
use crate::{
    accounts::Staff,
    attempts::{
        clock::{Change, EndCause},
        detail::Detail,
        finish::finish,
        model::AttemptState,
        reasons::Reason,
        store::{self as attempts, LogEntry, Note},
    },
    clock,
    web::{AppError, AppState, Chrome, FormErrors, render},
};

/// The reason form: a reason from the list, a comment, and minutes for extra time.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub attempt: String,
}

/// The change an action names in a URL, for one candidate.
pub(super) fn parse_action(action: &str) -> Option<Change> {
    Some(match action {
        "pause" => Change::Pause,
        "resume" => Change::Resume,
        "extra-time" => Change::ExtraTime { ms: 0 },
        "terminate" => Change::Terminate,
        "reopen" => Change::Reopen,
        "check-in" => Change::CheckIn { by: String::new() },
        "authorise" => Change::Authorise,
        _ => return None,
    })
}

/// Checks a reason form; the minutes only matter for extra time.
pub(super) fn read_reason(
    form: &ReasonForm,
    extra_time: bool,
) -> Result<(Reason, String, i64), FormErrors> {
    let mut errors = FormErrors::default();
    let reason = Reason::parse(&form.reason);
    if reason.is_none() {
        errors.push(("reason", "console.reason_required"));
    }
    let minutes = if extra_time {
        match form.minutes.trim().parse::<i64>() {
            Ok(m) if (1..=120).contains(&m) => m,
            _ => {
                errors.push(("minutes", "console.minutes_invalid"));
                0
            }
        }
    } else {
        0
    };
    let comment = crate::text::single_line(&form.comment)
        .chars()
        .take(500)
        .collect();
    match reason {
        Some(reason) if errors.is_empty() => Ok((reason, comment, minutes)),
        _ => Err(errors),
    }
}

/// Checks a reason form for an action: "the session ended as scheduled" is a reason for
/// closing only, never for one candidate's pause, extra time or termination.
fn read_reason_for(
    form: &ReasonForm,
    action: &str,
    closing: bool,
) -> Result<(Reason, String, i64), FormErrors> {
    let read = read_reason(form, action == "extra-time")?;
    if !closing && CLOSING_ONLY.contains(&read.0.code()) {
        return Err(FormErrors::one("reason", "staff.more.reason_closing_only"));
    }
    Ok(read)
}

#[derive(Template)]
#[template(path = "sessions/act.html")]
struct ActPage {
    chrome: Chrome,
    session: ExamSession,
    /// The candidate acted on (None for the whole room).
    row: Option<Row>,
    action: String,
    /// How many candidates a room action or closing affects.
    affected: usize,
    reason_groups: Vec<(&'static str, Vec<(&'static str, String)>)>,
    form: ReasonForm,
    errors: FormErrors,
}

impl ActPage {
    fn title_key(&self) -> String {
        match &self.row {
            Some(_) => format!("console.act_{}", self.action.replace('-', "_")),
            None => format!("console.room_{}", self.action.replace('-', "_")),
        }
    }
    fn affected_text(&self) -> String {
        self.chrome
            .fill("console.affected", &[("n", &self.affected.to_string())])
    }
    /// What terminating does to the attempt, and whether it can be reopened in this session.
    fn terminate_effect(&self) -> [&'static str; 2] {
        let reopen = if self.session.allow_reopen == 1 {
            "staff.more.terminate_reopen"
        } else {
            "staff.more.terminate_no_reopen"
        };
        [
            self.chrome.t("staff.more.terminate_effect"),
            self.chrome.t(reopen),
        ]
    }
}

/// Only pause, resume, extra time, terminate and reopen ask for a reason on their own page.
fn reasoned(action: &str) -> Option<Change> {
    parse_action(action).filter(|c| c.event().needs_reason())
}

/// Actions on a candidate's sign-in, asking for a reason (their POST routes are in `admission`).
const SIGN_IN_HELP: [&str; 2] = ["unlock", "reissue"];

pub(super) async fn act_page(
    staff: Staff,
    state: &AppState,
    ids: (String, String, String),
    mut form: ReasonForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (id, attempt, action) = ids;
    if reasoned(&action).is_none() && !SIGN_IN_HELP.contains(&action.as_str()) {
        return Err(AppError::NotFound);
    }
    let session = accepting(&staff, state, &id).await?;
    let entry = attempts::entry(&state.db.read, &attempt)
        .await?
        .filter(|e| e.session_id == session.id)
        .ok_or(AppError::NotFound)?;
    if action == "resume" && errors.is_empty() {
        form.reason = resume_reason(state, &session.id, [&entry]).await?;
    }
    let status = if errors.is_empty() { 200 } else { 422 };
    let page = ActPage {
        chrome: staff.chrome,
        session,
        row: Some(Row::new(entry, &state.seen, clock::now_ms())),
        action,
        affected: 1,
        reason_groups: reason_groups(false),
        form,
        errors,
    };
    render(&page, status)
}

pub(super) async fn act_form(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    act_page(
        staff,
        &state,
        path.into_inner(),
        ReasonForm::default(),
        FormErrors::default(),
    )
    .await
}

pub(super) async fn act(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let (id, attempt, action) = path.into_inner();
    let mut change = reasoned(&action).ok_or(AppError::NotFound)?;
    let session = accepting(&staff, &state, &id).await?;
    if matches!(change, Change::Reopen) && session.allow_reopen != 1 {
        return Err(AppError::Conflict("console.reopen_not_allowed"));
    }
    let form = form.into_inner();
    let (reason, comment, minutes) = match read_reason_for(&form, &action, false) {
        Ok(read) => read,
        Err(errors) => {
            return act_page(staff, &state, (id, attempt, action), form, errors).await;
        }
    };
    if let Change::ExtraTime { ms } = &mut change {
        *ms = minutes * 60_000;
    }
    let note = Note {
        actor: Some(&staff.user.id),
        reason: Some(reason.code()),
        comment: &comment,
        detail: if minutes > 0 {
            Detail::ExtraMinutes(minutes).into()
        } else {
            String::new()
        },
    };
    change_one(&state, &session, &attempt, change, note).await
}

/// What a room action does: from which state, which change.
fn room_action(action: &str) -> Option<(AttemptState, Change)> {
    match action {
        "pause" => Some((AttemptState::InProgress, Change::Pause)),
        "resume" => Some((AttemptState::Paused, Change::Resume)),
        "close" => Some((
            AttemptState::InProgress,
            Change::Submit {
                cause: EndCause::SessionClosed,
            },
        )),
        _ => None,
    }
}

async fn room_page(
    staff: Staff,
    state: &AppState,
    ids: (String, String),
    mut form: ReasonForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (id, action) = ids;
    let (from, _) = room_action(&action).ok_or(AppError::NotFound)?;
    let session = accepting(&staff, state, &id).await?;
    let roster = attempts::roster(&state.db.read, &session.id).await?;
    if action == "resume" && errors.is_empty() {
        form.reason = resume_reason(state, &session.id, &roster).await?;
    }
    let affected = roster
        .iter()
        .filter(|e| {
            let s = e.clock.state();
            s == from || (action == "close" && s == AttemptState::Paused)
        })
        .count();
    let status = if errors.is_empty() { 200 } else { 422 };
    let page = ActPage {
        chrome: staff.chrome,
        session,
        row: None,
        reason_groups: reason_groups(action == "close"),
        action,
        affected,
        form,
        errors,
    };
    render(&page, status)
}

pub(super) async fn room_form(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    room_page(
        staff,
        &state,
        path.into_inner(),
        ReasonForm::default(),
        FormErrors::default(),
    )
    .await
}

/// Pauses or resumes the whole room, or closes the session: attempts still running are
/// submitted as closed by the proctor, with the reason.
pub(super) async fn room_act(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let (from, change) = room_action(&action).ok_or(AppError::NotFound)?;
    let session = accepting(&staff, &state, &id).await?;
    let form = form.into_inner();
    let (reason, comment, _) = match read_reason_for(&form, &action, action == "close") {
        Ok(read) => read,
        Err(errors) => return room_page(staff, &state, (id, action), form, errors).await,
    };
    let note = Note {
        actor: Some(&staff.user.id),
        reason: Some(reason.code()),
        comment: &comment,
        detail: Detail::Room(action.clone()).into(),
    };
    if action != "close" {
        let n = change_all(&state, &session, from, &change, &note).await?;
        return Ok(back_to_console(
            &session.id,
            "console.room_done",
            &n.to_string(),
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let now = clock::now_ms();
    let mut running = attempts::in_state(&mut tx, &session.id, AttemptState::InProgress).await?;
    running.extend(attempts::in_state(&mut tx, &session.id, AttemptState::Paused).await?);
    for attempt in &running {
        // Submitted and graded, like any other submission.
        finish(&mut tx, attempt, EndCause::SessionClosed, now, note.clone())
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    if store::close(&mut tx, &session.id, now).await? {
        let detail = Detail::Submitted(running.len()).into();
        let note = Note { detail, ..note };
        let entry = LogEntry {
            session_id: &session.id,
            attempt_id: None,
            action: "session_close",
            states: None,
            note,
        };
        attempts::log(&mut tx, entry).await?;
    }
    tx.commit().await?;
    Ok(back_to_console(
        &session.id,
        "console.closed",
        &running.len().to_string(),
    ))
}
