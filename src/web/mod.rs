//! Web plumbing shared by every domain: application state, cookies, the page chrome, errors,
//! CSRF, request logging and metrics, static assets, health and the language switch.

pub mod assets;
pub mod chrome;
pub mod client;
pub mod csrf;
pub mod error;
pub mod multipart;
pub mod observe;
pub mod outage;
pub mod pager;
pub mod priority;
pub mod rate;
pub mod system;

use crate::{config::Settings, db::Db, vocab::token::keyed_bytes};

pub use chrome::{Chrome, Page, Viewer};
pub use error::AppError;

/// What every handler can reach: the database, the settings, the server secret, the metrics.
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    secret: Vec<u8>,
    pub metrics: observe::Metrics,
    /// When this node last saw each candidate's page, not yet written (see `attempts::seen`).
    pub seen: std::sync::Arc<crate::attempts::seen::LastSeen>,
    /// Checks uploads in child processes, a few at a time.
    pub checker: crate::checker::Checker,
    /// Public certificate look-ups per client address (this node's count; see `web::rate`).
    pub lookups: rate::RateLimit,
    /// Status lists this node signed recently (see `credentials::pages`).
    pub signed_lists: crate::credentials::pages::SignedLists,
    /// Sittings, papers and item versions a save needs, kept in memory (`attempts::kept`).
    pub kept: crate::attempts::kept::Kept,
    /// Where answer saves are written (`attempts::group_commit`).
    pub saves: crate::attempts::group_commit::SaveWriter,
}

impl AppState {
    /// The state of a server; its save writer runs on the current Tokio runtime.
    pub fn new(db: Db, settings: Settings, secret: Vec<u8>) -> Self {
        let checker =
            crate::checker::Checker::new(settings.checker.clone(), settings.upload_limit_bytes);
        let lookups = rate::RateLimit::per_minute(settings.verify_per_minute);
        let saves =
            crate::attempts::group_commit::SaveWriter::start(&db, settings.save_queue_limit);
        Self {
            db,
            settings,
            secret,
            metrics: observe::Metrics::new(),
            seen: Default::default(),
            checker,
            lookups,
            signed_lists: Default::default(),
            kept: Default::default(),
            saves,
        }
    }

    /// A keyed digest: HMAC-SHA256 under the server secret, URL-safe base64.
    pub fn keyed_digest(&self, purpose: &str, value: &str) -> String {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        URL_SAFE_NO_PAD.encode(keyed_bytes(&self.secret, purpose, value))
    }

    /// The opaque token of an option (or right-hand text, or step) of an item in one attempt:
    /// random-looking, different in every attempt, and revealing nothing about the key.
    pub fn option_token(&self, attempt_id: &str, item_id: &str, index: usize) -> String {
        use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
        let bytes = keyed_bytes(
            &self.secret,
            "option",
            &format!("{attempt_id}/{item_id}/{index}"),
        );
        URL_SAFE_NO_PAD.encode(&bytes[..9])
    }

    /// The non-secret key under which the exam page's script keeps an attempt's unsaved
    /// answers in the browser: 12 hex characters of a keyed digest of the attempt's id, never
    /// the exam cookie.
    pub fn attempt_key(&self, attempt_id: &str) -> String {
        keyed_bytes(&self.secret, "attempt-key", attempt_id)[..6]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The server key, for the keyed derivations a domain owns (candidates' access codes and
    /// their digests: `attempts::access_code`, `attempts::model::access_code_digest`).
    pub fn server_key(&self) -> &[u8] {
        &self.secret
    }

    pub fn cookies(&self) -> CookieNames {
        CookieNames {
            secure: self.settings.secure_cookies(),
        }
    }
}

/// Cookie names and attributes: `__Host-` names and `Secure` when served over https.
#[derive(Clone, Copy)]
pub struct CookieNames {
    pub secure: bool,
}

impl CookieNames {
    pub fn session(self) -> &'static str {
        if self.secure {
            "__Host-sathach_session"
        } else {
            "sathach_session"
        }
    }
    pub fn csrf(self) -> &'static str {
        if self.secure {
            "__Host-sathach_csrf"
        } else {
            "sathach_csrf"
        }
    }
    /// The candidate's exam cookie (separate from staff sign-in).
    pub fn exam(self) -> &'static str {
        if self.secure {
            "__Host-sathach_exam"
        } else {
            "sathach_exam"
        }
    }
    pub const LANG: &'static str = "sathach_lang";

    /// A cookie for the whole site, HttpOnly, SameSite=Lax, Secure when https.
    pub fn build(self, name: &'static str, value: String) -> actix_web::cookie::Cookie<'static> {
        actix_web::cookie::Cookie::build(name, value)
            .path("/")
            .http_only(true)
            .same_site(actix_web::cookie::SameSite::Lax)
            .secure(self.secure)
            .finish()
    }

    /// The same cookie, expired, so the browser drops it.
    pub fn removal(self, name: &'static str) -> actix_web::cookie::Cookie<'static> {
        let mut cookie = self.build(name, String::new());
        cookie.make_removal();
        cookie
    }
}

/// Problems with a submitted form: which field, and the catalog key of the message.
#[derive(Clone, Debug, Default)]
pub struct FormErrors(Vec<(&'static str, &'static str)>);

impl FormErrors {
    /// A form with one problem.
    pub fn one(field: &'static str, key: &'static str) -> Self {
        Self(vec![(field, key)])
    }

    pub fn push(&mut self, (field, key): (&'static str, &'static str)) {
        self.0.push((field, key));
    }

    /// The message key for a field, shown next to it.
    pub fn get(&self, field: &str) -> Option<&'static str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, key)| *key)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Every problem, in the order found, for the summary at the top of the page.
    pub fn iter(&self) -> impl Iterator<Item = &(&'static str, &'static str)> {
        self.0.iter()
    }
}

/// Renders a page with a status of its own (a form with errors is 422, not an error page).
pub fn render(
    page: &impl askama::Template,
    status: u16,
) -> Result<actix_web::HttpResponse, AppError> {
    use actix_web::http::{StatusCode, header};
    let body = page.render().map_err(anyhow::Error::from)?;
    let status = StatusCode::from_u16(status).map_err(anyhow::Error::from)?;
    let mut response = actix_web::HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body);
    response.extensions_mut().insert(error::Rendered);
    Ok(response)
}

/// A file to download (a CSV, a workbook), never cached.
pub fn download(bytes: Vec<u8>, content_type: &str, file_name: String) -> actix_web::HttpResponse {
    use actix_web::http::header;
    actix_web::HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(bytes)
}

/// A JSON answer for a page's script, with a status of its own (a refusal stays JSON: the
/// error-page renderer leaves it alone).
pub fn json(status: u16, value: &serde_json::Value) -> Result<actix_web::HttpResponse, AppError> {
    let status = actix_web::http::StatusCode::from_u16(status).map_err(anyhow::Error::from)?;
    let mut response = actix_web::HttpResponse::build(status)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(value);
    response.extensions_mut().insert(error::Rendered);
    Ok(response)
}

/// Whether the answer should be JSON: a page's script asking for it (`Accept:
/// application/json`), or any call of the API (`/api/…`), whose clients never read HTML.
pub fn wants_json(req: &actix_web::HttpRequest) -> bool {
    req.path().starts_with("/api/")
        || req
            .headers()
            .get(actix_web::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
}

/// Only same-site paths may be redirect targets. The path is judged as a browser would read
/// it, after percent-decoding: it starts with one `/`, is not `//host` or `/\\host`, and holds
/// no control characters or white space (browsers drop tabs and newlines, so `/%09/host`
/// would become `//host`) and no backslash.
pub fn safe_local_path(path: &str) -> Option<&str> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let safe = |p: &str| {
        p.starts_with('/')
            && !p.starts_with("//")
            && !p.contains('\\')
            && !p.chars().any(|c| c.is_control() || c.is_whitespace())
            && p.len() <= 2048
    };
    (safe(path) && safe(&decoded)).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert_eq!(safe_local_path("/users"), Some("/users"));
        assert_eq!(safe_local_path("//evil.example"), None);
        assert_eq!(safe_local_path("https://evil.example"), None);
        assert_eq!(safe_local_path("/\\evil.example"), None);
        assert_eq!(safe_local_path("/\t/evil.example"), None);
        assert_eq!(safe_local_path("/%09/evil.example"), None);
        assert_eq!(safe_local_path("/%2F/evil.example"), None);
        assert_eq!(safe_local_path("/%5Cevil.example"), None);
        assert_eq!(safe_local_path("/\n/evil.example"), None);
        assert_eq!(safe_local_path("/sessions/1?tab=a%20b"), None);
        assert_eq!(
            safe_local_path("/sessions/1?tab=ab"),
            Some("/sessions/1?tab=ab")
        );
    }
}
