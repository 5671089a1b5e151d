//! Static assets embedded in the binary, served under a versioned path with long cache
//! headers so old lab PCs fetch them once.

use actix_web::{HttpResponse, http::header, web};

const APP_CSS: &str = include_str!("../../static/app.css");
const CONSOLE_JS: &str = include_str!("../../static/console.js");
const EXAM_JS: &str = include_str!("../../static/exam.js");
const PRINT_JS: &str = include_str!("../../static/print.js");
const BUILDER_JS: &str = include_str!("../../static/builder.js");

/// Bumped with the package version so a new release busts caches.
pub const CSS_PATH: &str = concat!("/static/", env!("CARGO_PKG_VERSION"), "/app.css");

/// The proctor console's refresher (the console works without it).
pub const CONSOLE_JS_PATH: &str = concat!("/static/", env!("CARGO_PKG_VERSION"), "/console.js");

/// The candidate's page enhancer: saving without reloading, the countdown (the exam works without it).
pub const EXAM_JS_PATH: &str = concat!("/static/", env!("CARGO_PKG_VERSION"), "/exam.js");

/// Print buttons on printable pages (the pages say how to print without it).
pub const PRINT_JS_PATH: &str = concat!("/static/", env!("CARGO_PKG_VERSION"), "/print.js");
/// The blueprint builder's enhancer: rows added and counts refreshed in place (the builder
/// works without it).
pub const BUILDER_JS_PATH: &str = concat!("/static/", env!("CARGO_PKG_VERSION"), "/builder.js");

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(CSS_PATH, web::get().to(app_css))
        .route(CONSOLE_JS_PATH, web::get().to(|| script(CONSOLE_JS)))
        .route(EXAM_JS_PATH, web::get().to(|| script(EXAM_JS)))
        .route(PRINT_JS_PATH, web::get().to(|| script(PRINT_JS)))
        .route(BUILDER_JS_PATH, web::get().to(|| script(BUILDER_JS)));
}

async fn script(body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/javascript; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(body)
}

async fn app_css() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(APP_CSS)
}
