//! While the database cannot be reached, requests fail at once with a page that says nothing
//! was saved (503), instead of hanging on the pool: a request arriving during the outage is
//! refused before it starts, and one already waiting is ended when the monitor notices.
//! `/healthz`, `/metrics` and static files are served as usual.

use actix_web::{
    Error, HttpResponse,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    error::InternalError,
    http::{StatusCode, header},
    middleware::Next,
    web,
};
use serde_json::json;

use super::{
    AppState, Chrome,
    error::{self, Rendered},
};
use crate::{db::Backend, vocab::Lang};

pub async fn guard<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .expect("AppState registered");
    let path = req.path();
    // An embedded SQLite file cannot become unreachable: nothing to watch on that path.
    let exempt = path == "/healthz" || path == "/metrics" || path.starts_with("/static/");
    if exempt || state.db.backend == Backend::Sqlite {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let outage = state.db.health.outage();
    tokio::pin!(outage);
    outage.as_mut().enable();
    let lang = Chrome::lang_of(req.request());
    let wants_json = super::wants_json(req.request());
    if state.db.health.is_unreachable() {
        let response = refusal(lang, wants_json, req.path());
        return Ok(req.into_response(response));
    }
    let path = req.path().to_string();
    tokio::select! {
        served = next.call(req) => Ok(served?.map_into_boxed_body()),
        () = &mut outage => Err(InternalError::from_response(
            "the database became unreachable",
            refusal(lang, wants_json, &path),
        )
        .into()),
    }
}

/// The 503 answer: JSON for the exam page's script, the error page otherwise.
fn refusal(lang: Lang, wants_json: bool, path: &str) -> HttpResponse {
    let mut response = if wants_json {
        let key = "exam.not_saved_retrying";
        HttpResponse::ServiceUnavailable()
            .json(json!({"error": lang.t(key), "key": key, "go": null}))
    } else {
        let chrome = Chrome {
            lang,
            csrf: String::new(),
            user: None,
            path: path.to_string(),
        };
        error::page(chrome, StatusCode::SERVICE_UNAVAILABLE, None)
    };
    let headers = response.headers_mut();
    headers.insert(header::RETRY_AFTER, 5.into());
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response.extensions_mut().insert(Rendered);
    response
}
