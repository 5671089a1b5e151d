//! The candidate's way in and out: sign-in with the slip, the lobby that waits for the
//! proctor, the start, the time-up and paused pages, and the receipt with the result as the
//! blueprint's review policy allows. Questions, saving and submitting are in `questions`.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    devices::{self, Candidate, Standing},
    model::{AttemptState, normalise_candidate_number},
    store::{self as attempts, RosterEntry},
};
use crate::{
    blueprints::{model::Review, store::version_blueprint},
    clock,
    people::model::{Date, display_date},
    sessions::{
        model::ExamSession,
        start::{StartError, start},
        store as sessions,
    },
    web::{AppError, AppState, Chrome, Page, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/thi", web::get().to(sign_in_page))
        .route("/thi", web::post().to(sign_in))
        .route("/thi/lobby", web::get().to(lobby))
        .route("/thi/start", web::post().to(begin))
        .route("/thi/ping", web::post().to(super::ping::ping))
        .route("/thi/receipt", web::get().to(receipt));
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
        match (self.standing, self.state()) {
            (_, AttemptState::Submitted) => Some("/thi/receipt"),
            (Standing::Pending, _) => Some("/thi/lobby"),
            (_, AttemptState::InProgress) => None,
            _ => Some("/thi/lobby"),
        }
    }
}

pub fn see_other(target: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target.to_string()))
        .finish()
}

#[derive(Clone, Default, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    birth_date: String,
}

#[derive(Template)]
#[template(path = "exam/sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    form: SignInForm,
    /// A message with figures (the wait, the tries left), already in the page's language.
    problem: Option<String>,
}

async fn sign_in_page(page: Page) -> Result<HttpResponse, AppError> {
    render(
        &SignInPage {
            chrome: page.0,
            form: SignInForm::default(),
            problem: None,
        },
        200,
    )
}

async fn sign_in(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let chrome = page.0;
    let lang = chrome.lang;
    let mut form = form.into_inner();
    // The code is never sent back in the page.
    let code = std::mem::take(&mut form.code);
    let number = normalise_candidate_number(&form.number);
    let now = clock::now_ms();
    let (failed, oldest) = devices::failures(&state.db.read, &number, now).await?;
    if failed >= devices::MAX_FAILURES {
        let wait = (oldest.unwrap_or(now) + devices::THROTTLE_WINDOW_MS - now).max(60_000);
        let minutes = (wait + 59_999) / 60_000;
        let problem = Some(lang.fill("exam.throttled", &[("minutes", &minutes.to_string())]));
        let page = SignInPage {
            chrome,
            form,
            problem,
        };
        return render(&page, 429);
    }
    let birth = Date::parse(&form.birth_date).map(Date::iso);
    let entry = devices::check(&state.db.read, &number, &code, birth.as_deref()).await?;
    let Some(entry) = entry else {
        let mut tx = state.db.begin_write().await?;
        devices::record_failure(&mut tx, &number, now).await?;
        tx.commit().await?;
        let left = (devices::MAX_FAILURES - failed - 1).max(0);
        let problem = Some(lang.fill("exam.wrong_credentials", &[("left", &left.to_string())]));
        let page = SignInPage {
            chrome,
            form,
            problem,
        };
        return render(&page, 422);
    };
    let session = sessions::by_id(&state.db.read, &entry.session_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let (token, _) = devices::sign_in(&mut tx, &entry, session.reauthorise_on_return == 1).await?;
    tx.commit().await?;
    let cookie = state.cookies().build(state.cookies().exam(), token);
    Ok(HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, "/thi/lobby"))
        .finish())
}

#[derive(Template)]
#[template(path = "exam/lobby.html")]
struct LobbyPage {
    chrome: Chrome,
    exam: Exam,
    /// Why the candidate waits (a catalog key), or None when they may start now.
    waiting: Option<&'static str>,
    time_left: String,
}

impl LobbyPage {
    fn birth(&self) -> String {
        display_date(&self.exam.entry.birth_date)
    }
    fn minutes(&self) -> String {
        let c = &self.exam.entry.clock;
        let base = self.exam.session.duration_minutes;
        let extra = c.extra_ms / 60_000 + base * c.accommodation_percent / 100;
        self.chrome
            .fill("exam.minutes", &[("n", &(base + extra).to_string())])
    }
}

async fn lobby(
    candidate: Candidate,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let exam = Exam::load(&candidate, &state).await?;
    let now = clock::now_ms();
    let waiting = match (exam.standing, exam.state()) {
        (_, AttemptState::Submitted) => return Ok(see_other("/thi/receipt")),
        (Standing::Pending, _) => Some("exam.wait_device"),
        (_, AttemptState::InProgress) => return Ok(see_other(&super::questions::current(&exam))),
        (_, AttemptState::Paused) => Some("exam.wait_paused"),
        (_, AttemptState::Terminated) => Some("exam.wait_terminated"),
        (_, AttemptState::NotArrived | AttemptState::CheckedIn) => Some("exam.wait_authorisation"),
        (_, AttemptState::Authorised) => {
            super::model::may_start(exam.state(), exam.session.window(), now)
                .err()
                .map(|r| r.key())
        }
    };
    let time_left = exam
        .entry
        .clock
        .time_left_ms(now)
        .map(super::clock::format_duration)
        .unwrap_or_default();
    render(
        &LobbyPage {
            chrome: page.0,
            exam,
            waiting,
            time_left,
        },
        200,
    )
}

async fn begin(candidate: Candidate, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let exam = Exam::load(&candidate, &state).await?;
    if exam.standing == Standing::Pending {
        return Ok(see_other("/thi/lobby"));
    }
    match start(&state.db, &exam.entry.id, clock::now_ms()).await {
        Ok(_) => Ok(see_other("/thi/q/1")),
        // The lobby says why (not authorised yet, too late…).
        Err(StartError::Refused(_) | StartError::Change(_)) => Ok(see_other("/thi/lobby")),
        Err(StartError::Other(e)) => Err(e.into()),
    }
}

/// A stored result, as much as the review policy shows.
pub struct Shown {
    pub outcome: String,
    pub points: String,
    pub max: i64,
    pub topics: Vec<(String, String, i64)>,
    pub items: Vec<(usize, String, String, String, i64)>,
}

#[derive(Template)]
#[template(path = "exam/receipt.html")]
struct ReceiptPage {
    chrome: Chrome,
    exam: Exam,
    submitted_at: String,
    digest: String,
    review: Review,
    result: Option<Shown>,
}

impl ReceiptPage {
    fn shows_topics(&self) -> bool {
        matches!(self.review, Review::ScoreByTopic | Review::Full)
    }
    fn shows_items(&self) -> bool {
        self.review == Review::Full
    }
}

/// Reads what the review policy allows from a stored result's detail.
fn shown(outcome: String, points: String, max: i64, detail: &str) -> Shown {
    let value: serde_json::Value = serde_json::from_str(detail).unwrap_or_default();
    let tally = |t: &serde_json::Value| {
        (
            t["points"].as_str().unwrap_or("0").to_string(),
            t["max"].as_i64().unwrap_or(0),
        )
    };
    let topics = value["topics"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, t)| {
                    let (p, m) = tally(t);
                    (k.clone(), p, m)
                })
                .collect()
        })
        .unwrap_or_default();
    let items = value["items"]
        .as_array()
        .map(|list| {
            list.iter()
                .enumerate()
                .map(|(i, it)| {
                    (
                        i + 1,
                        it["response"].as_str().unwrap_or("").to_string(),
                        it["key"].as_str().unwrap_or("").to_string(),
                        it["points"].as_str().unwrap_or("0").to_string(),
                        it["max"].as_i64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Shown {
        outcome,
        points,
        max,
        topics,
        items,
    }
}

async fn receipt(
    candidate: Candidate,
    page: Page,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let exam = Exam::load(&candidate, &state).await?;
    if exam.state() != AttemptState::Submitted {
        return Ok(see_other("/thi/lobby"));
    }
    let (outcome, points, max, detail, digest): (String, String, i64, String, String) = sqlx::query_as(
        "SELECT outcome, points, max_points, detail, responses_digest FROM attempt_results WHERE attempt_id = $1",
    )
    .bind(&exam.entry.id)
    .fetch_one(&state.db.read)
    .await?;
    let review = version_blueprint(&state.db.read, &exam.session.blueprint_version_id)
        .await?
        .review;
    let result = (review != Review::Nothing).then(|| shown(outcome, points, max, &detail));
    let submitted_at = exam
        .entry
        .clock
        .ended_at
        .map(clock::format_local_seconds)
        .unwrap_or_default();
    let page = ReceiptPage {
        chrome: page.0,
        exam,
        submitted_at,
        digest,
        review,
        result,
    };
    render(&page, 200)
}
