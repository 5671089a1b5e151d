//! The candidate's way in and out on a computer: sign-in with the slip (throttled per
//! candidate number), and sign-out, which ends this computer's hold on the attempt so a shared
//! lab PC is left clean.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    devices::{self, Candidate},
    model::normalise_candidate_number,
    store::{self as attempts, LogEntry, Note},
};
use crate::{
    clock,
    people::model::Date,
    sessions::store as sessions,
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
    page: Page,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query
        .into_inner()
        .notice
        .and_then(|k| NOTICES.into_iter().find(|n| *n == k));
    render(
        &SignInPage {
            chrome: page.0,
            form: SignInForm::default(),
            notice,
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
            notice: None,
            problem,
        };
        return render(&page, 429);
    }
    let birth = Date::parse(&form.birth_date).map(Date::iso);
    let entry = devices::check(
        &state.db.read,
        &number,
        &state.access_code_digest(&code),
        birth.as_deref(),
    )
    .await?;
    let Some(entry) = entry else {
        let mut tx = state.db.begin_write().await?;
        devices::record_failure(&mut tx, &number, now).await?;
        tx.commit().await?;
        let left = (devices::MAX_FAILURES - failed - 1).max(0);
        let problem = Some(lang.fill("exam.wrong_credentials", &[("left", &left.to_string())]));
        let page = SignInPage {
            chrome,
            form,
            notice: None,
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
