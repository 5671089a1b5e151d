//! The proctor's console: one screen for the room. Check-in and authorisation, pausing and
//! resuming one candidate or the whole room, extra time, termination and reopening (each with
//! a reason from the irregularity list), the incident log, opening and closing the session,
//! and live progress that refreshes itself (or with a plain reload, without scripts).

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    model::{ExamSession, Status},
    store, visible_to,
};
use crate::{
    accounts::{Staff, model::Action},
    attempts::{
        model::{AttemptState, Change, EndCause, format_duration},
        reasons::{self, Reason},
        store::{self as attempts, ChangeError, LogEntry, Note, RosterEntry},
    },
    clock,
    web::{AppError, AppState, Chrome, FormErrors, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/console", web::get().to(console))
        .route("/sessions/{id}/open", web::post().to(open))
        .route(
            "/sessions/{id}/authorise-all",
            web::post().to(authorise_all),
        )
        .route("/sessions/{id}/incidents", web::post().to(incident))
        .route(
            "/sessions/{id}/attempts/{attempt}/check-in",
            web::post().to(check_in),
        )
        .route(
            "/sessions/{id}/attempts/{attempt}/authorise",
            web::post().to(authorise),
        )
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
const NOTICES: [&str; 8] = [
    "console.done",
    "console.opened",
    "console.closed",
    "console.incident_logged",
    "console.authorised_all",
    "console.room_done",
    "console.conflict",
    "console.not_allowed",
];

/// A candidate's row, ready to show.
pub struct Row {
    pub entry: RosterEntry,
    pub state: AttemptState,
    pub time_left: String,
    pub last_seen: String,
    /// Catalog key of the connection indicator (None before the start or after the end).
    pub connection: Option<&'static str>,
}

impl Row {
    pub fn new(entry: RosterEntry, now: i64) -> Self {
        let state = entry.clock.state();
        let time_left = entry
            .clock
            .time_left_ms(now)
            .map(format_duration)
            .unwrap_or_default();
        let last_seen = entry
            .last_seen_at
            .map(clock::format_local_seconds)
            .unwrap_or_default();
        let connection =
            matches!(state, AttemptState::InProgress | AttemptState::Paused).then(|| {
                match entry.last_seen_at.map(|t| now - t) {
                    Some(age) if age < 30_000 => "console.online",
                    Some(age) if age < 120_000 => "console.unsteady",
                    _ => "console.offline",
                }
            });
        Self {
            entry,
            state,
            time_left,
            last_seen,
            connection,
        }
    }

    pub fn may(&self, action: &str) -> bool {
        parse_action(action).is_some_and(|change| self.state.after(change.event()).is_some())
    }
}

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
}

/// How many candidates are in a state.
fn count(rows: &[Row], state: &str) -> usize {
    rows.iter().filter(|r| r.state.as_str() == state).count()
}

/// The progress table alone, for the console's script to refresh in place.
#[derive(Template)]
#[template(path = "sessions/progress.html")]
struct ProgressPart {
    chrome: Chrome,
    session: ExamSession,
    rows: Vec<Row>,
    updated_at: String,
}

impl ProgressPart {
    fn count(&self, state: &str) -> usize {
        count(&self.rows, state)
    }
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
fn reason_groups() -> Vec<(&'static str, Vec<(&'static str, String)>)> {
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
async fn accepting(staff: &Staff, state: &AppState, id: &str) -> Result<ExamSession, AppError> {
    let session = runnable(staff, state, id).await?;
    if session.status() == Status::Closed {
        return Err(AppError::Conflict("session.closed"));
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
    let rows = attempts::roster(&state.db.read, &session.id)
        .await?
        .into_iter()
        .map(|e| Row::new(e, now))
        .collect();
    let query = query.into_inner();
    let updated_at = clock::format_local_seconds(now);
    if query.part.as_deref() == Some("rows") {
        let part = ProgressPart {
            chrome: staff.chrome,
            session,
            rows,
            updated_at,
        };
        return render(&part, 200);
    }
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
    };
    render(&page, 200)
}

fn back_to_console(session_id: &str, notice: &str, who: &str) -> HttpResponse {
    let who: String = url::form_urlencoded::byte_serialize(who.as_bytes()).collect();
    let target = format!("/sessions/{session_id}/console?notice={notice}&who={who}#progress");
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .finish()
}

/// Applies a change to one attempt of the session and goes back to the console saying how it went.
async fn change_one(
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
    let mut tx = state.db.write.begin().await?;
    let notice = match attempts::apply(&mut tx, &entry.id, &change, clock::now_ms(), note).await {
        Ok(_) => {
            tx.commit().await?;
            "console.done"
        }
        Err(ChangeError::NotAllowed(_)) => "console.not_allowed",
        Err(ChangeError::Conflict) => "console.conflict",
        Err(ChangeError::NotFound) => return Err(AppError::NotFound),
        Err(ChangeError::Db(e)) => return Err(e.into()),
    };
    Ok(back_to_console(
        &session.id,
        notice,
        &entry.candidate_number,
    ))
}

async fn check_in(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, attempt) = path.into_inner();
    let session = accepting(&staff, &state, &id).await?;
    let note = Note {
        actor: Some(&staff.user.id),
        detail: "identity document matches the roster".into(),
        ..Note::default()
    };
    let change = Change::CheckIn {
        by: staff.user.id.clone(),
    };
    change_one(&state, &session, &attempt, change, note).await
}

async fn authorise(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, attempt) = path.into_inner();
    let session = accepting(&staff, &state, &id).await?;
    let note = Note {
        actor: Some(&staff.user.id),
        ..Note::default()
    };
    change_one(&state, &session, &attempt, Change::Authorise, note).await
}

/// Applies one change to every attempt of the session in a state, in one transaction; attempts
/// someone else changed meanwhile are left as they are. Returns how many changed.
async fn change_all(
    state: &AppState,
    session: &ExamSession,
    from: AttemptState,
    change: &Change,
    note: &Note<'_>,
) -> Result<usize, AppError> {
    let mut tx = state.db.write.begin().await?;
    let ids = attempts::in_state(&mut tx, &session.id, from).await?;
    let now = clock::now_ms();
    let mut changed = 0;
    for id in ids {
        match attempts::apply(&mut tx, &id, change, now, note.clone()).await {
            Ok(_) => changed += 1,
            Err(ChangeError::Db(e)) => return Err(e.into()),
            Err(_) => {}
        }
    }
    tx.commit().await?;
    Ok(changed)
}

async fn authorise_all(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let session = accepting(&staff, &state, &path).await?;
    let note = Note {
        actor: Some(&staff.user.id),
        detail: "everyone checked in".into(),
        ..Note::default()
    };
    let n = change_all(
        &state,
        &session,
        AttemptState::CheckedIn,
        &Change::Authorise,
        &note,
    )
    .await?;
    Ok(back_to_console(
        &session.id,
        "console.authorised_all",
        &n.to_string(),
    ))
}

async fn open(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let session = accepting(&staff, &state, &path).await?;
    let mut tx = state.db.write.begin().await?;
    if store::open(&mut tx, &session.id, clock::now_ms()).await? {
        let note = Note {
            actor: Some(&staff.user.id),
            ..Note::default()
        };
        let entry = LogEntry {
            session_id: &session.id,
            attempt_id: None,
            action: "session_open",
            states: None,
            note,
        };
        attempts::log(&mut tx, entry).await?;
        tx.commit().await?;
    }
    Ok(back_to_console(&session.id, "console.opened", ""))
}

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
fn parse_action(action: &str) -> Option<Change> {
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
fn read_reason(form: &ReasonForm, extra_time: bool) -> Result<(Reason, String, i64), FormErrors> {
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
}

/// Only pause, resume, extra time, terminate and reopen ask for a reason on their own page.
fn reasoned(action: &str) -> Option<Change> {
    parse_action(action).filter(|c| c.event().needs_reason())
}

async fn act_page(
    staff: Staff,
    state: &AppState,
    ids: (String, String, String),
    form: ReasonForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (id, attempt, action) = ids;
    reasoned(&action).ok_or(AppError::NotFound)?;
    let session = accepting(&staff, state, &id).await?;
    let entry = attempts::entry(&state.db.read, &attempt)
        .await?
        .filter(|e| e.session_id == session.id)
        .ok_or(AppError::NotFound)?;
    let status = if errors.is_empty() { 200 } else { 422 };
    let page = ActPage {
        chrome: staff.chrome,
        session,
        row: Some(Row::new(entry, clock::now_ms())),
        action,
        affected: 1,
        reason_groups: reason_groups(),
        form,
        errors,
    };
    render(&page, status)
}

async fn act_form(
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

async fn act(
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
    let (reason, comment, minutes) =
        match read_reason(&form, matches!(change, Change::ExtraTime { .. })) {
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
            format!("+{minutes} min")
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
    form: ReasonForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let (id, action) = ids;
    let (from, _) = room_action(&action).ok_or(AppError::NotFound)?;
    let session = accepting(&staff, state, &id).await?;
    let roster = attempts::roster(&state.db.read, &session.id).await?;
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
        action,
        affected,
        reason_groups: reason_groups(),
        form,
        errors,
    };
    render(&page, status)
}

async fn room_form(
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
async fn room_act(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let (id, action) = path.into_inner();
    let (from, change) = room_action(&action).ok_or(AppError::NotFound)?;
    let session = accepting(&staff, &state, &id).await?;
    let form = form.into_inner();
    let (reason, comment, _) = match read_reason(&form, false) {
        Ok(read) => read,
        Err(errors) => return room_page(staff, &state, (id, action), form, errors).await,
    };
    let note = Note {
        actor: Some(&staff.user.id),
        reason: Some(reason.code()),
        comment: &comment,
        detail: format!("room {action}"),
    };
    if action != "close" {
        let n = change_all(&state, &session, from, &change, &note).await?;
        return Ok(back_to_console(
            &session.id,
            "console.room_done",
            &n.to_string(),
        ));
    }
    let mut tx = state.db.write.begin().await?;
    let now = clock::now_ms();
    let mut running = attempts::in_state(&mut tx, &session.id, AttemptState::InProgress).await?;
    running.extend(attempts::in_state(&mut tx, &session.id, AttemptState::Paused).await?);
    for attempt in &running {
        attempts::apply(&mut tx, attempt, &change, now, note.clone())
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
    }
    if store::close(&mut tx, &session.id, now).await? {
        let detail = format!("{} attempts submitted", running.len());
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

/// Logs an incident (with or without a candidate) without changing anyone's state.
async fn incident(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let session = accepting(&staff, &state, &path).await?;
    let form = form.into_inner();
    let Ok((reason, comment, _)) = read_reason(&form, false) else {
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
    let mut tx = state.db.write.begin().await?;
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
