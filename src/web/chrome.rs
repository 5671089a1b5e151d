//! The page chrome every template needs: language, CSRF token, the signed-in user and the
//! current path, taken from the request by the `Page` extractor.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};

use super::{AppState, CookieNames, csrf::CsrfToken};
use crate::vocab::Lang;

/// The signed-in staff member as the page shows them: put on the request by the sign-in
/// check (`accounts::Staff`), so the plumbing needs no knowledge of roles.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub id: String,
    pub full_name: String,
    pub organisation_id: String,
    pub organisation_name: String,
    /// The catalog key of the role's name.
    pub role_key: &'static str,
    pub is_admin: bool,
    pub can_manage_banks: bool,
    pub can_run_sessions: bool,
    pub can_schedule_sessions: bool,
}

/// Language, CSRF token, signed-in user and current path: what the base layout shows.
#[derive(Clone, Debug)]
pub struct Chrome {
    pub lang: Lang,
    pub csrf: String,
    pub user: Option<Viewer>,
    pub path: String,
}

impl Chrome {
    /// Builds the chrome from what middleware and extractors left on the request.
    pub fn from_request(req: &HttpRequest) -> Self {
        let lang = Self::lang_of(req);
        let csrf = req
            .extensions()
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let user = req.extensions().get::<Viewer>().cloned();
        let path = req.path().to_string();
        Self {
            lang,
            csrf,
            user,
            path,
        }
    }

    /// The language the visitor chose (the language cookie), Vietnamese by default.
    pub fn lang_of(req: &HttpRequest) -> Lang {
        req.cookie(CookieNames::LANG)
            .and_then(|c| Lang::parse(c.value()))
            .unwrap_or_default()
    }

    /// A message in the page's language.
    pub fn t(&self, key: &str) -> &'static str {
        self.lang.t(key)
    }

    /// A message with `{name}` placeholders filled in.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.lang.fill(key, args)
    }

    /// Whether this is a candidate's page (`/thi…`): it never links to staff pages.
    pub fn is_exam(&self) -> bool {
        self.path == "/thi" || self.path.starts_with("/thi/")
    }

    /// Where the brand and "home" links go: the candidate's lobby on exam pages, else the
    /// staff home.
    pub fn home(&self) -> &'static str {
        if self.is_exam() { "/thi/lobby" } else { "/" }
    }

    /// The name of the other language, for the switch in the header.
    pub fn other_lang(&self) -> Lang {
        self.lang.other()
    }

    pub fn can_manage_banks(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.can_manage_banks)
    }

    pub fn can_run_sessions(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.can_run_sessions)
    }

    pub fn can_schedule_sessions(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.can_schedule_sessions)
    }

    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_admin)
    }
}

/// Extractor for pages anyone may see (sign-in, errors): the chrome without a user check.
pub struct Page(pub Chrome);

impl FromRequest for Page {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(Page(Chrome::from_request(req))))
    }
}

/// The application state, for code that only has the request.
pub fn state(req: &HttpRequest) -> web::Data<AppState> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .expect("AppState is registered at startup")
}
