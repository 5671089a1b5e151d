//! One application error with explicit HTTP statuses, and the error pages (403, 404, 500…)
//! rendered from one template in the visitor's language, or JSON `{error, key, go}` when a
//! page's script asked. A candidate's error page links back to the exam, never to staff pages.
//! Internal causes are logged once, with their chain, and never shown.

use actix_web::{
    HttpResponse, ResponseError,
    dev::ServiceResponse,
    http::{StatusCode, header},
    middleware::ErrorHandlerResponse,
};
use askama::Template;

use super::chrome::Chrome;

/// What can go wrong in a handler, by what the visitor should be told.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("sign-in required")]
    SignInRequired { next: String },
    /// A candidate page without a signed-in candidate: back to the exam sign-in.
    #[error("candidate sign-in required")]
    CandidateSignInRequired,
    /// This device no longer holds the attempt (the proctor let another computer in, or it
    /// signed out): back to the exam sign-in, which says so.
    #[error("the candidate's device was replaced")]
    DeviceReplaced,
    /// The request's body is over the limit.
    #[error("request body too large")]
    TooLarge,
    #[error("a temporary password must be changed first")]
    MustChangePassword,
    #[error("CSRF token missing or wrong")]
    CsrfRejected,
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The request is valid but the record's state does not allow it now (a closed session).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The database could not do the work (full disk, unreachable): nothing of this request
    /// was kept, and the same request may be sent again.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Too many requests wait for the database's writer: nothing was written; the same request
    /// may be sent again after this many seconds (`Retry-After`).
    #[error("busy: too many writes wait")]
    Busy(u32),
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        let outage = e
            .chain()
            .filter_map(|cause| cause.downcast_ref::<sqlx::Error>())
            .any(crate::db::is_outage);
        if outage {
            AppError::Unavailable(format!("{e:#}"))
        } else {
            AppError::Internal(e)
        }
    }
}

impl From<crate::db::Refused> for AppError {
    fn from(refused: crate::db::Refused) -> Self {
        match refused {
            crate::db::Refused::Busy(seconds) => AppError::Busy(seconds),
            crate::db::Refused::Failed(e) => e.into(),
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if crate::db::is_outage(&e) {
            AppError::Unavailable(e.to_string())
        } else {
            AppError::Internal(e.into())
        }
    }
}

/// Marks a response whose body a page handler already rendered (e.g. a form with errors),
/// so the error-page renderer leaves it alone.
#[derive(Clone, Copy)]
pub struct Rendered;

/// Marks an error response with the message the error page should explain.
#[derive(Clone, Copy)]
struct Explain(&'static str);

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::SignInRequired { .. }
            | AppError::MustChangePassword
            | AppError::CandidateSignInRequired
            | AppError::DeviceReplaced => StatusCode::SEE_OTHER,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unavailable(_) | AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let explain = match self {
            AppError::SignInRequired { next } => {
                let target = format!("/sign-in?next={}", url_encode(next));
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, target))
                    .finish();
            }
            // A script gets these as JSON refusals (see `render_error_page`).
            AppError::CandidateSignInRequired => {
                return candidate_redirect("/thi", "exam.sign_in_required");
            }
            AppError::DeviceReplaced => {
                return candidate_redirect(
                    "/thi?notice=exam.device_replaced",
                    "exam.device_replaced",
                );
            }
            AppError::MustChangePassword => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, "/account/password"))
                    .finish();
            }
            AppError::Internal(cause) => {
                tracing::error!(error = format!("{cause:#}"), "request failed");
                "error.internal"
            }
            AppError::Unavailable(cause) => {
                tracing::error!(error = %cause, "request refused: the database is unavailable");
                return retry_later(StatusCode::SERVICE_UNAVAILABLE, "error.unavailable", 5);
            }
            AppError::Busy(seconds) => {
                tracing::warn!(
                    retry_after = seconds,
                    "request turned away: too many writes wait"
                );
                return retry_later(StatusCode::SERVICE_UNAVAILABLE, "error.busy", *seconds);
            }
            AppError::NotFound => "error.not_found",
            AppError::Forbidden => "error.forbidden",
            AppError::CsrfRejected => "error.csrf",
            AppError::TooLarge => "error.too_large",
            AppError::BadRequest(key) | AppError::Conflict(key) => key,
        };
        let mut response = HttpResponse::build(self.status_code()).finish();
        response.extensions_mut().insert(Explain(explain));
        response
    }
}

/// A refusal the same request may try again after `seconds` (`Retry-After`).
fn retry_later(status: StatusCode, key: &'static str, seconds: u32) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .insert_header((header::RETRY_AFTER, seconds))
        .finish();
    response.extensions_mut().insert(Explain(key));
    response
}

/// A redirect of a candidate to the exam sign-in, marked with why (for a script's JSON).
fn candidate_redirect(target: &str, key: &'static str) -> HttpResponse {
    let mut response = HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish();
    response.extensions_mut().insert(Explain(key));
    response
}

fn url_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    title_key: &'static str,
    message_key: &'static str,
    /// Where the page's one link goes, and its label's key.
    back: (String, &'static str),
}

/// The title and the usual message of an error status.
fn keys_of(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("error.bad_request_title", "error.bad_request"),
        401 | 403 => ("error.forbidden_title", "error.forbidden"),
        404 => ("error.not_found_title", "error.not_found"),
        405 => ("error.not_found_title", "error.method"),
        409 => ("error.conflict_title", "error.bad_request"),
        413 => ("error.bad_request_title", "error.too_large"),
        429 => ("error.throttled_title", "error.throttled"),
        503 => ("error.unavailable_title", "error.unavailable"),
        s if s >= 500 => ("error.internal_title", "error.internal"),
        _ => ("error.bad_request_title", "error.bad_request"),
    }
}

/// The message key a candidate's page (`script`: the page's script, which retries) uses
/// instead of a general one.
fn for_candidate(key: &'static str, script: bool) -> &'static str {
    match key {
        "error.too_large" => "exam.too_large",
        "error.unavailable" if script => "exam.not_saved_retrying",
        other => other,
    }
}

/// Where a candidate goes from a refusal: the exam sign-in when not signed in, the same
/// question when its form was too old, else the lobby (which forwards to the question).
fn candidate_go(key: &str, path: &str) -> Option<String> {
    match key {
        "exam.sign_in_required" | "exam.device_replaced" => Some("/thi".into()),
        "error.csrf" if path.starts_with("/thi/q/") => Some(path.into()),
        "error.csrf" => Some("/thi/lobby".into()),
        _ => None,
    }
}

/// The error page for a status, explaining `explain` (a message key) or the status's usual
/// message. A candidate's page links back to the exam, never to staff pages.
pub fn page(chrome: Chrome, status: StatusCode, explain: Option<&'static str>) -> HttpResponse {
    let (title_key, default_message) = keys_of(status);
    let mut message_key = explain.unwrap_or(default_message);
    // Busy is not broken: a request turned away for a moment says so in its title too.
    let title_key = match message_key {
        "error.busy" => "error.busy_title",
        _ => title_key,
    };
    let back = if chrome.is_exam() {
        message_key = for_candidate(message_key, false);
        let go = candidate_go(message_key, &chrome.path);
        (
            go.unwrap_or_else(|| "/thi/lobby".into()),
            "exam.back_to_exam",
        )
    } else {
        ("/".into(), "error.go_home")
    };
    let page = ErrorPage {
        chrome,
        status: status.as_u16(),
        title_key,
        message_key,
        back,
    };
    let body = page.render().unwrap_or_else(|_| status.to_string());
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// The refusal a page's script gets instead of an error page or a redirect:
/// `{error, key, go}` in the visitor's language.
fn script_refusal(
    chrome: &Chrome,
    status: StatusCode,
    explain: Option<&'static str>,
) -> HttpResponse {
    let mut key = explain.unwrap_or(keys_of(status).1);
    if chrome.is_exam() {
        key = for_candidate(key, true);
    }
    let status = match key {
        "exam.sign_in_required" => StatusCode::UNAUTHORIZED,
        "exam.device_replaced" => StatusCode::FORBIDDEN,
        _ => status,
    };
    let go = candidate_go(key, &chrome.path).filter(|_| chrome.is_exam());
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({"error": chrome.t(key), "key": key, "go": go}))
}

/// Renders any 4xx/5xx response that has no page yet with the error template (as a JSON
/// refusal when a script asked), and turns a candidate's sign-in redirect into a JSON
/// refusal for a script.
pub fn render_error_page<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let explain = res.response().extensions().get::<Explain>().map(|e| e.0);
    let script = super::wants_json(res.request());
    let done = res.response().extensions().get::<Rendered>().is_some();
    let redirect = res.status().is_redirection();
    if done || (redirect && !(script && explain.is_some())) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let chrome = Chrome::from_request(res.request());
    let mut response = if script {
        script_refusal(&chrome, status, explain)
    } else {
        page(chrome, status, explain)
    };
    let (req, old) = res.into_parts();
    for (name, value) in old.headers() {
        if name == header::SET_COOKIE
            || name == header::WWW_AUTHENTICATE
            || name == header::RETRY_AFTER
        {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    let res = ServiceResponse::new(req, response).map_into_right_body::<B>();
    Ok(ErrorHandlerResponse::Response(res))
}
