//! Sign-in, sign-out, the staff home page and changing one's own password.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    Staff, auth,
    model::{self, Action, Email},
    password, store, throttle,
};
use crate::{
    clock,
    web::{AppError, AppState, Chrome, Page, client::client_addr, csrf, render, safe_local_path},
};

/// The longest e-mail address (RFC 5321); longer sign-in fields are refused unread.
const MAX_EMAIL_CHARS: usize = 254;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/sign-in", web::get().to(sign_in_form))
        .route("/sign-in", web::post().to(sign_in))
        .route("/sign-out", web::post().to(sign_out));
}

#[derive(Template)]
#[template(path = "accounts/home.html")]
struct HomePage {
    chrome: Chrome,
    done: Option<&'static str>,
}

impl HomePage {
    fn welcome(&self) -> String {
        let name = self
            .chrome
            .user
            .as_ref()
            .map(|u| u.full_name.as_str())
            .unwrap_or_default();
        self.chrome.fill("page.welcome", &[("name", name)])
    }
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// Confirmations shown after a redirect, by the `done` query value.
fn done_message(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "password" => Some("account.password_changed"),
        _ => None,
    }
}

async fn home(staff: Staff, query: web::Query<DoneQuery>) -> Result<HttpResponse, AppError> {
    staff.require(Action::UseAccount)?;
    render(
        &HomePage {
            chrome: staff.chrome,
            done: done_message(query.done.as_deref()),
        },
        200,
    )
}

#[derive(Template)]
#[template(path = "accounts/sign_in.html")]
struct SignInPage {
    chrome: Chrome,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn sign_in_form(
    Page(chrome): Page,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    let next = query
        .next
        .as_deref()
        .and_then(safe_local_path)
        .unwrap_or("/")
        .to_string();
    render(
        &SignInPage {
            chrome,
            email: String::new(),
            next,
            error: None,
        },
        200,
    )
}

#[derive(Deserialize)]
struct SignInForm {
    email: String,
    password: String,
    next: Option<String>,
}

async fn sign_in(
    req: HttpRequest,
    Page(chrome): Page,
    state: web::Data<AppState>,
    form: web::Form<SignInForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let next = form
        .next
        .as_deref()
        .and_then(safe_local_path)
        .unwrap_or("/")
        .to_string();
    let page = |error: String| SignInPage {
        chrome: chrome.clone(),
        email: form.email.trim().chars().take(MAX_EMAIL_CHARS).collect(),
        next: next.clone(),
        error: Some(error),
    };
    // Oversized fields are refused before any hashing or storing.
    if form.email.len() > MAX_EMAIL_CHARS
        || form.password.chars().count() > model::MAX_PASSWORD_CHARS
    {
        return render(&page(chrome.t("sign_in.too_long").to_string()), 422);
    }
    let account_key = Email::parse(&form.email)
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|_| form.email.trim().to_lowercase());
    let client = client_addr(&req);
    let now = clock::now_ms();
    let db = &state.db;
    let limits = state.settings.throttle;
    let attempt = match throttle::begin(db, limits, &account_key, &client, now).await? {
        Ok(attempt) => attempt,
        Err(until) => {
            tracing::warn!(client, "sign-in throttled");
            return render(&page(throttled_message(&chrome, until, now)), 429);
        }
    };

    let credentials = match Email::parse(&form.email) {
        Ok(email) => store::credentials(&db.read, &email).await?,
        Err(_) => None,
    };
    let stored = credentials.as_ref().map(|c| c.password_hash.clone());
    let password_ok = password::verify(model::normalize_password(&form.password), stored).await;
    let Some(account) = credentials.filter(|_| password_ok) else {
        return render(&page(chrome.t("sign_in.wrong").to_string()), 401);
    };
    if account.disabled_at.is_some() {
        return render(&page(chrome.t("sign_in.disabled").to_string()), 403);
    }
    let expired = account.must_change_password != 0
        && account.temporary_until.is_some_and(|until| until <= now);
    if expired {
        tracing::info!(user.id = account.id, "temporary password expired");
        return render(
            &page(chrome.t("sign_in.temporary_expired").to_string()),
            403,
        );
    }

    let token = crate::vocab::token::random_token();
    let lifetime_ms = i64::from(state.settings.session_hours) * 3_600_000;
    let window_ms = i64::from(limits.window_minutes) * 60_000;
    let mut tx = state.db.begin_write().await?;
    attempt.succeeded(&mut tx).await?;
    store::clear_failures(&mut tx, &account_key, now - window_ms).await?;
    store::insert_session(
        &mut tx,
        &crate::vocab::token::token_digest(&token),
        &account.id,
        lifetime_ms,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user.id = account.id, "staff signed in");
    let names = state.cookies();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, next))
        .cookie(names.build(names.session(), token))
        .cookie(csrf::rotated_cookie(&state))
        .finish())
}

/// "Try again after HH:MM (in about N minutes)".
fn throttled_message(chrome: &Chrome, until: i64, now: i64) -> String {
    let minutes = ((until - now).max(0) + 59_999) / 60_000;
    chrome.fill(
        "sign_in.throttled",
        &[
            ("time", &clock::format_local_time(until)),
            ("minutes", &minutes.to_string()),
        ],
    )
}

async fn sign_out(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    if let Some(digest) = auth::session_digest(&req) {
        let mut tx = state.db.begin_write().await?;
        store::revoke_session(&mut tx, &digest).await?;
        tx.commit().await?;
    }
    let names = state.cookies();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/sign-in"))
        .cookie(names.removal(names.session()))
        .cookie(csrf::rotated_cookie(&state))
        .finish())
}
