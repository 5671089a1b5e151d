//! The candidate's exam around the questions: the attempt every page loads, the lobby that
//! waits for the proctor (its heading and message follow the attempt's state) and the start.
//! Sign-in and sign-out are in `sign_in`, questions and saving in `questions`, the receipt in
//! `receipt`.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use crate::attempts::{
    devices::{Candidate, Standing},
    model::AttemptState,
    store::{self as attempts, RosterEntry},
};
use crate::{
    clock,
    db::Refused,
    sessions::{
        model::ExamSession,
        start::{StartError, start_in},
        store as sessions,
    },
    vocab::display_date,
    web::{AppError, AppState, Chrome, Page, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/thi/lobby", web::get().to(lobby))
        .route("/thi/start", web::post().to(begin))
        .route("/thi/ping", web::post().to(super::ping::ping));
    super::sign_in::routes(cfg);
    super::receipt::routes(cfg);
    super::questions::routes(cfg);
}

/// The candidate's attempt, their session and this device's standing, for every exam page.
pub struct Exam {
    pub entry: RosterEntry,
    pub session: ExamSession,
    pub standing: Standing,
}

impl Exam {
    pub async fn load(candidate: &Candidate, state: &AppState) -> Result<Self, AppError> {
        let entry = attempts::entry(&state.db.read, &candidate.attempt_id)
            .await?
            .filter(|e| e.clock.state() != AttemptState::Removed)
            .ok_or(AppError::CandidateSignInRequired)?;
        let session = sessions::by_id(&state.db.read, &entry.session_id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(Self {
            entry,
            session,
            standing: candidate.standing,
        })
    }

    pub fn state(&self) -> AttemptState {
        self.entry.clock.state()
    }

    /// Where the candidate belongs now, if not on the page asked for: the lobby before the start
    /// or while waiting for the proctor, the receipt once submitted.
    pub fn elsewhere(&self) -> Option<&'static str> {
        let closed = self.session.closed_at.is_some();
        match (self.standing, self.state()) {
            (Standing::Pending, AttemptState::Submitted) if !closed => Some("/thi/lobby"),
            (_, AttemptState::Submitted) => Some("/thi/receipt"),
            (Standing::Pending, _) => Some("/thi/lobby"),
            (_, AttemptState::InProgress) => None,
            _ => Some("/thi/lobby"),
        }
    }
}

/// A redirect after a POST, or to where the candidate belongs; never stored by the browser,
/// so Back after a submission asks the server again.
pub fn see_other(target: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// What the lobby says: its heading, why the candidate waits (None: they may start now),
/// and whether it keeps refreshing (not once nothing more can happen there).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Standby {
    pub heading: &'static str,
    pub waiting: Option<&'static str>,
    pub refreshes: bool,
}

impl Standby {
    /// The lobby of an attempt in `state` that has not ended, on a device of `standing`.
    pub fn of(standing: Standing, state: AttemptState, session: &ExamSession, now: i64) -> Self {
        let wait = |heading, key| Self {
            heading,
            waiting: Some(key),
            refreshes: true,
        };
        if state == AttemptState::Submitted {
            // Only a device not let in waits here: the receipt is for it once the room closes.
            return wait("exam.receipt_title", "exam.wait_receipt");
        }
        let started = matches!(state, AttemptState::InProgress | AttemptState::Paused);
        let before = !started && state != AttemptState::Terminated;
        let over = session.closed_at.is_some() || session.cancelled_at.is_some();
        if before && (over || now > session.cut_off_at()) {
            let key = if session.cancelled_at.is_some() {
                "session.more.cancelled_lobby"
            } else if session.closed_at.is_some() {
                "exam.session_closed"
            } else {
                "attempt.refused_after_cut_off"
            };
            return Self {
                heading: "exam.lobby_closed_title",
                waiting: Some(key),
                refreshes: false,
            };
        }
        match (standing, state) {
            (Standing::Pending, _) if started => {
                wait("exam.lobby_resume_title", "exam.wait_device")
            }
            (Standing::Pending, _) => wait("exam.rules_title", "exam.wait_device"),
            (_, AttemptState::Paused) => wait("exam.lobby_paused_title", "exam.wait_paused"),
            (_, AttemptState::Terminated) => {
                wait("exam.lobby_terminated_title", "exam.wait_terminated")
            }
            (_, AttemptState::Authorised) => {
                match crate::attempts::model::may_start(state, session.window(), now) {
                    Ok(()) => Self {
                        heading: "exam.rules_title",
                        waiting: None,
                        refreshes: false,
                    },
                    Err(refusal) => wait("exam.rules_title", refusal.key()),
                }
            }
            _ => wait("exam.rules_title", "exam.wait_authorisation"),
        }
    }

    /// The rules are read before the start.
    pub fn shows_rules(&self) -> bool {
        self.heading == "exam.rules_title"
    }
}

#[derive(Template)]
#[template(path = "exam/lobby.html")]
struct LobbyPage {
    chrome: Chrome,
    exam: Exam,
    standby: Standby,
    time_left: String,
    attempt_key: String,
    /// A message after a redirect (a save refused while paused names its question).
    notice: Option<String>,
}

impl LobbyPage {
    fn birth(&self) -> String {
        display_date(&self.exam.entry.birth_date)
    }
    /// Before the proctor opens the session: when it starts ("Chưa đến giờ thi: …").
    fn not_yet(&self) -> Option<String> {
        let session = &self.exam.session;
        let waiting = self.standby.waiting.is_some() && self.standby.refreshes;
        let before = self.exam.state().removable();
        (waiting && before && session.status() == crate::sessions::model::Status::Scheduled).then(
            || {
                let at = clock::format_local_time(session.starts_at);
                self.chrome.fill("session.more.not_yet", &[("time", &at)])
            },
        )
    }

    fn minutes(&self) -> String {
        let c = &self.exam.entry.clock;
        let base = self.exam.session.duration_minutes;
        let extra = c.extra_ms / 60_000 + base * c.accommodation_percent / 100;
        self.chrome
            .fill("exam.minutes", &[("n", &(base + extra).to_string())])
    }
}

#[derive(Deserialize)]
struct LobbyQuery {
    notice: Option<String>,
    /// The question the candidate left for the lobby, to return to once the exam runs again.
    q: Option<usize>,
}

async fn lobby(
    candidate: Candidate,
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<LobbyQuery>,
) -> Result<HttpResponse, AppError> {
    let exam = Exam::load(&candidate, &state).await?;
    let query = query.into_inner();
    match (exam.standing, exam.state()) {
        (Standing::Pending, AttemptState::Submitted) if exam.session.closed_at.is_none() => {}
        (_, AttemptState::Submitted) => return Ok(see_other("/thi/receipt")),
        (Standing::Active, AttemptState::InProgress) => {
            let back = match query.q {
                Some(q) if q >= 1 && q as i64 <= exam.entry.clock.item_count => {
                    format!("/thi/q/{q}")
                }
                _ => super::questions::current(&exam),
            };
            return Ok(see_other(&back));
        }
        _ => {}
    }
    let notice = match (query.notice.as_deref(), query.q) {
        (Some("exam.not_saved_paused"), Some(q)) => Some(
            page.0
                .fill("exam.not_saved_paused", &[("n", &q.to_string())]),
        ),
        _ => None,
    };
    lobby_page(exam, page, &state, notice).await
}

/// The lobby as it stands now.
async fn lobby_page(
    exam: Exam,
    page: Page,
    state: &AppState,
    notice: Option<String>,
) -> Result<HttpResponse, AppError> {
    let now = clock::now_ms();
    let mut session = exam.session.clone();
    if crate::attempts::guessing::late_entry_by(&state.db.read, &exam.entry.id)
        .await?
        .is_some()
    {
        session.without_cut_off();
    }
    let standby = Standby::of(exam.standing, exam.state(), &session, now);
    let time_left = exam
        .entry
        .clock
        .time_left_ms(now)
        .map(crate::attempts::clock::format_duration)
        .unwrap_or_default();
    let lobby = LobbyPage {
        attempt_key: state.attempt_key(&exam.entry.id),
        notice,
        chrome: page.0,
        exam,
        standby,
        time_left,
    };
    render(&lobby, 200)
}

/// A start the server is too busy for: the button again, which the page's script presses
/// once `retry_after` seconds have passed; built without reading anything, as a room pressing
/// "Bắt đầu" at once may ask for it thousands of times a second.
#[derive(Template)]
#[template(path = "exam/start_busy.html")]
struct StartBusyPage {
    chrome: Chrome,
    attempt_key: String,
    retry_after: u32,
}

fn start_busy(
    candidate: &Candidate,
    page: Page,
    state: &AppState,
    retry_after: u32,
) -> Result<HttpResponse, AppError> {
    let busy = StartBusyPage {
        chrome: page.0,
        attempt_key: state.attempt_key(&candidate.attempt_id),
        retry_after,
    };
    let mut response = render(&busy, 503)?;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after));
    Ok(response)
}

async fn begin(
    candidate: Candidate,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    // A place in the writer's line first, before anything is read.
    let place = match state.db.write_place().await {
        Ok(place) => place,
        Err(Refused::Busy(seconds)) => return start_busy(&candidate, page, &state, seconds),
        Err(refused) => return Err(refused.into()),
    };
    let exam = Exam::load(&candidate, &state).await?;
    if exam.standing == Standing::Pending {
        return Ok(see_other("/thi/lobby"));
    }
    match start_in(&state.db, place, exam.entry, exam.session, clock::now_ms()).await {
        Ok(_) => Ok(see_other("/thi/q/1")),
        // The lobby says why (not authorised yet, too late…).
        Err(StartError::Refused(_) | StartError::Change(_)) => Ok(see_other("/thi/lobby")),
        Err(StartError::Busy(seconds)) => start_busy(&candidate, page, &state, seconds),
        Err(StartError::Other(e)) => Err(e.into()),
    }
}
