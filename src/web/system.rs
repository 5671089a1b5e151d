//! Routes every deployment needs: health, metrics, the language switch, the home redirect.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::Deserialize;

use super::{AppState, CookieNames, safe_local_path};
use crate::vocab::Lang;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/metrics", web::get().to(metrics))
        .route("/lang", web::post().to(switch_language));
}

/// 200 while this node's writes commit, its heartbeat is on time and its database answers;
/// 503 with the reason otherwise. For load balancers and monitors: it reads the node's state
/// from memory and never touches the database, so it stays cheap under load.
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let (mut status, body) = match state.db.health.check(crate::clock::now_ms()) {
        Ok(()) => (HttpResponse::Ok(), "ok\n".to_string()),
        Err(why) => (
            HttpResponse::ServiceUnavailable(),
            format!("{}\n", why.describe()),
        ),
    };
    let mut response = status
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body);
    // Monitors read the reason as plain text, not the error page.
    response.extensions_mut().insert(super::error::Rendered);
    response
}

/// Prometheus text; requires `Authorization: Bearer TOKEN` when a metrics token is set. With
/// no token, only a server reached solely through loopback answers; any other refuses (403)
/// and says which setting to set.
async fn metrics(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if state.settings.metrics_token.is_none() && !state.settings.loopback_only() {
        let mut response = HttpResponse::Forbidden()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(
                "/metrics needs a token on a server reachable beyond loopback: \
                 set metrics_token (SATHACH_METRICS_TOKEN) and send Authorization: Bearer TOKEN\n",
            );
        response.extensions_mut().insert(super::error::Rendered);
        return response;
    }
    if let Some(token) = &state.settings.metrics_token {
        let expected = format!("Bearer {}", token.expose());
        let given = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let ok = given.is_some_and(|g| {
            use subtle::ConstantTimeEq;
            bool::from(g.as_bytes().ct_eq(expected.as_bytes()))
        });
        if !ok {
            return HttpResponse::Unauthorized()
                .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
                .finish();
        }
    }
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        ))
        .body(state.metrics.render(&state.db))
}

#[derive(Deserialize)]
struct LanguageForm {
    lang: String,
    back: Option<String>,
}

/// Remembers the chosen language in a cookie and returns to the page the visitor was on.
async fn switch_language(
    state: web::Data<AppState>,
    form: web::Form<LanguageForm>,
) -> HttpResponse {
    let lang = Lang::parse(&form.lang).unwrap_or_default();
    let back = form
        .back
        .as_deref()
        .and_then(safe_local_path)
        .unwrap_or("/");
    let mut cookie = state
        .cookies()
        .build(CookieNames::LANG, lang.code().to_string());
    cookie.set_max_age(actix_web::cookie::time::Duration::days(365));
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, back.to_string()))
        .cookie(cookie)
        .finish()
}
