//! The candidate's way in and out on a computer: sign-in with the slip (wrong codes counted
//! per candidate number and computer, see `guessing`), and sign-out, which ends this computer's hold on the attempt so a shared
//! lab PC is left clean.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use crate::attempts::{
    devices::{self, Candidate},
    guessing::{self, Verdict},
    model::{AttemptState, access_code_digest},
    store::{self as attempts, LogEntry, Note},
};
use crate::{
    clock,
    db::WriteTx,
    sessions::store as sessions,
    vocab::{
        Date,
        token::{random_token, token_digest},
    },
    web::{AppError, AppState, Chrome, Page, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/thi", web::get().to(sign_in_page))
        .route("/thi", web::post().to(sign_in))
        .route("/thi/sign-out", web::post().to(sign_out));
}

#[derive(Clone, Default, Deserialize)]
struct SignInForm {
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
    /// Why the candidate is here again (a catalog key from the URL: signed out, replaced).
    notice: Option<&'static str>,
    /// A message with figures (the wait, the tries left), already in the page's language.
    problem: Option<String>,
}

/// Messages the sign-in page shows after a redirect (only these keys are accepted).
const NOTICES: [&str; 2] = ["exam.device_replaced", "exam.signed_out"];

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn sign_in_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query
        .into_inner()
        .notice
        .and_then(|k| NOTICES.into_iter().find(|n| *n == k));
    let res = render(
        &SignInPage {
            chrome: page.0,
            form: SignInForm::default(),
            notice,
            problem: None,
        },
        200,
    )?;
    Ok(with_device(res, &state, device_token(&req, &state).0))
}

/// The computer cookie: a random token given on the sign-in page, so wrong codes count per
/// computer and a guesser elsewhere cannot lock the candidate out.
fn device_cookie_name(state: &AppState) -> &'static str {
    if state.cookies().secure {
        "__Host-sathach_device"
    } else {
        "sathach_device"
    }
}

/// This computer's cookie value, or a new one to set.
fn device_token(req: &HttpRequest, state: &AppState) -> (String, bool) {
    match req.cookie(device_cookie_name(state)) {
        Some(c) if (20..=64).contains(&c.value().len()) => (c.value().to_string(), false),
        _ => (random_token(), true),
    }
}

fn with_device(mut res: HttpResponse, state: &AppState, token: String) -> HttpResponse {
    let mut cookie = state.cookies().build(device_cookie_name(state), token);
    cookie.set_max_age(actix_web::cookie::time::Duration::days(7));
    if let Err(e) = res.add_cookie(&cookie) {
        tracing::warn!(error = %e, "cannot set the computer cookie");
    }
    res
}

async fn sign_in(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let chrome = page.0;
    let lang = chrome.lang;
    let mut form = form.into_inner();
    // The code is never sent back in the page.
    let code = std::mem::take(&mut form.code);
    let number = guessing::bounded_number(&form.number);
    form.number.clone_from(&number);
    form.birth_date = form.birth_date.chars().take(20).collect();
    let (device, new_device) = device_token(&req, &state);
    // A request without the cookie counts with every other such request for this number.
    let device_key = if new_device {
        String::new()
    } else {
        token_digest(&device)
    };
    let now = clock::now_ms();
    let birth = Date::parse(&form.birth_date).map(Date::iso);
    let place = state.db.write_place().await?;
    let entry = guessing::named(&state.db.read, &number).await?;
    let session = match &entry {
        Some(entry) => sessions::by_id(&state.db.read, &entry.session_id).await?,
        None => None,
    };
    // A right code still opens nothing in a cancelled session or after a removal: say so.
    let refused = match (&entry, &session) {
        (Some(entry), _) if entry.clock.state() == AttemptState::Removed => {
            Some("session.more.removed_sign_in")
        }
        (_, Some(session)) if session.cancelled_at.is_some() => {
            Some("session.more.cancelled_sign_in")
        }
        _ => None,
    };
    // The code is checked, and a right one lets this computer in, in one transaction.
    let (verdict, token) = match (&entry, &session) {
        (Some(entry), Some(session)) => {
            let digest = access_code_digest(state.server_key(), &code);
            // The client's address (through a trusted proxy's header), for the proctor.
            let address = crate::web::client::client_addr(&req);
            let reauthorise = session.reauthorise_on_return == 1;
            let admit = refused.is_none();
            let entry = entry.clone();
            let write = move |mut tx: WriteTx| async move {
                let typed = (digest.as_str(), birth.as_deref());
                let verdict = guessing::try_code(&mut tx, &entry, &device_key, typed, now).await?;
                let token = if matches!(verdict, Verdict::Right) && admit {
                    let arrival = devices::Arrival {
                        address: &address,
                        computer: &device_key,
                    };
                    let (token, _) =
                        devices::sign_in(&mut tx, &entry, reauthorise, arrival).await?;
                    Some(token)
                } else {
                    None
                };
                tx.commit().await?;
                Ok::<_, sqlx::Error>((verdict, token))
            };
            state.db.request_write(place, write).await??
        }
        (Some(_), None) => return Err(AppError::NotFound),
        // Nothing is stored for a number no one has: there is no one to protect.
        (None, _) => {
            let left = guessing::DEVICE_FAILURES - 1;
            (Verdict::Wrong { left }, None)
        }
    };
    let (status, problem) = match verdict {
        Verdict::Right => (200, None),
        Verdict::Wait { minutes } => {
            tracing::info!("candidate sign-in throttled");
            let text = lang.fill("exam.throttled", &[("minutes", &minutes.to_string())]);
            (429, Some(text))
        }
        Verdict::Wrong { left } => {
            let text = lang.fill("exam.wrong_credentials", &[("left", &left.to_string())]);
            (422, Some(text))
        }
    };
    let (Some(session), None) = (session, &problem) else {
        let page = SignInPage {
            chrome,
            form,
            notice: None,
            problem,
        };
        let res = crate::web::render(&page, status)?;
        return Ok(with_device(res, &state, device));
    };
    let Some(token) = token else {
        let key = refused.expect("a right code without a sign-in was refused");
        let page = SignInPage {
            problem: Some(lang.fill(key, &[("title", &session.title)])),
            chrome,
            form,
            notice: None,
        };
        let res = crate::web::render(&page, 409)?;
        return Ok(with_device(res, &state, device));
    };
    let cookie = state.cookies().build(state.cookies().exam(), token);
    let res = HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, "/thi/lobby"))
        .finish();
    Ok(with_device(res, &state, device))
}

/// Ends this computer's sign-in: its device no longer opens the attempt (a page still open on
/// it is told so), the exam cookie is dropped and the candidate sign-in page shown.
async fn sign_out(
    candidate: Result<Candidate, AppError>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if let Ok(candidate) = candidate {
        let mut tx = state.db.begin_write().await?;
        let session_id: Option<String> =
            sqlx::query_scalar("SELECT session_id FROM attempts WHERE id = $1")
                .bind(&candidate.attempt_id)
                .fetch_optional(&mut *tx)
                .await?;
        sqlx::query(
            "UPDATE candidate_devices SET status = 'revoked', decided_at = $1
             WHERE token_digest = $2 AND status <> 'revoked'",
        )
        .bind(clock::now_ms())
        .bind(&candidate.device)
        .execute(&mut *tx)
        .await?;
        if let Some(session_id) = session_id {
            let entry = LogEntry {
                session_id: &session_id,
                attempt_id: Some(&candidate.attempt_id),
                action: "device_sign_out",
                states: None,
                note: Note::default(),
            };
            attempts::log(&mut tx, entry).await?;
        }
        tx.commit().await?;
        tracing::info!("a candidate signed out on this computer");
    }
    let names = state.cookies();
    Ok(HttpResponse::SeeOther()
        .cookie(names.removal(names.exam()))
        .cookie(crate::web::csrf::rotated_cookie(&state))
        .insert_header((header::LOCATION, "/thi?notice=exam.signed_out"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish())
}
