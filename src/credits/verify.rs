//! Public verification, no sign-in: `/verify` (type a number) and `/verify/{number}`, which
//! shows only what the certificate prints and its state today in plain words. A number is
//! looked up only as a whole (never by national ID or birth date); look-ups are counted per
//! client address (`web::rate`, this node's memory) and the pages are neither cached nor indexed.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    certificate::{self, CertificateView, State},
    model::normalize_number,
};
use crate::{
    clock,
    vocab::{Both, display_date},
    web::{AppError, AppState, Chrome, Page, client::client_addr, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/verify", web::get().to(form))
        .route("/verify/{number}", web::get().to(lookup));
}

/// The verification address printed (as a QR code) on a certificate.
pub fn address(public_url: &url::Url, number: &str) -> String {
    public_url
        .join(&format!("verify/{number}"))
        .map_or_else(|_| format!("/verify/{number}"), String::from)
}

/// The day a certificate was revoked or replaced, dd/mm/yyyy.
pub fn ended_display(c: &CertificateView) -> String {
    c.ended_at
        .map(|ms| display_date(&clock::local_date(ms).iso()))
        .unwrap_or_default()
}

/// What the state's detail line says (the headline is `State::key`): until when, or since when
/// and why in a word, never the reason as written (it may name people).
pub fn state_detail(c: &CertificateView) -> Option<Both> {
    let ended = ended_display(c);
    match &c.state {
        State::Valid => c.expires_display().map(|day| {
            Both::with(|l| l.fill("credit.verify.valid_until", &[("date", day.as_str())]))
        }),
        State::Expired => {
            let day = c.expires_display().unwrap_or_default();
            Some(Both::with(|l| {
                l.fill("credit.verify.expired_on", &[("date", day.as_str())])
            }))
        }
        State::Revoked { cause, .. } => {
            let cause_key = format!("credit.verify.cause_{cause}");
            Some(Both::with(|l| {
                l.fill(
                    "credit.verify.revoked_on",
                    &[("date", ended.as_str()), ("cause", l.t(&cause_key))],
                )
            }))
        }
        State::Replaced { .. } => Some(Both::with(|l| {
            l.fill("credit.verify.replaced_on", &[("date", ended.as_str())])
        })),
    }
}

#[derive(Deserialize)]
struct Typed {
    number: Option<String>,
}

/// The form, alone or after a number that names no certificate (then with status 404), or
/// after too many look-ups (429).
#[derive(Template)]
#[template(path = "credits/verify_form.html")]
struct FormPage {
    chrome: Chrome,
    typed: String,
    not_found: bool,
    /// Seconds to wait when over the look-up budget.
    wait: Option<u64>,
}

#[derive(Template)]
#[template(path = "credits/verify.html")]
struct CertificatePage {
    chrome: Chrome,
    c: CertificateView,
}

impl CertificatePage {
    fn label(&self, key: &str) -> Both {
        Both::key(key)
    }

    fn detail(&self) -> Option<Both> {
        state_detail(&self.c)
    }
}

impl FormPage {
    fn label(&self, key: &str) -> Both {
        Both::key(key)
    }

    fn busy(&self) -> Option<Both> {
        let wait = self.wait?.to_string();
        Some(Both::with(|l| {
            l.fill("credit.verify.busy", &[("seconds", wait.as_str())])
        }))
    }
}

/// Not to be kept by search engines (the answer already carries `Cache-Control: no-store`).
fn unlisted(mut res: HttpResponse) -> HttpResponse {
    res.headers_mut().insert(
        header::HeaderName::from_static("x-robots-tag"),
        header::HeaderValue::from_static("noindex"),
    );
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

fn form_page(chrome: Chrome, typed: &str, status: u16) -> Result<HttpResponse, AppError> {
    let page = FormPage {
        chrome,
        typed: typed.chars().take(40).collect(),
        not_found: status == 404,
        wait: None,
    };
    Ok(unlisted(render(&page, status)?))
}

fn redirect(number: &str) -> HttpResponse {
    unlisted(
        HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/verify/{number}")))
            .finish(),
    )
}

/// `/verify`, and `/verify?number=…` from its form: to the number in its printed form.
async fn form(Page(chrome): Page, query: web::Query<Typed>) -> Result<HttpResponse, AppError> {
    let typed = query.number.as_deref().unwrap_or("").trim();
    if typed.is_empty() {
        return form_page(chrome, "", 200);
    }
    match normalize_number(typed) {
        Some(number) => Ok(redirect(&number)),
        None => form_page(chrome, typed, 404),
    }
}

async fn lookup(
    Page(chrome): Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let client = client_addr(&req);
    if let Err(wait) = state.lookups.take(&client) {
        tracing::info!(client.addr = %client, "certificate look-ups over the limit");
        let page = FormPage {
            chrome,
            typed: String::new(),
            not_found: false,
            wait: Some(wait),
        };
        let mut res = unlisted(render(&page, 429)?);
        res.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(wait));
        return Ok(res);
    }
    let Some(number) = normalize_number(&path) else {
        return form_page(chrome, &path, 404);
    };
    if number != *path {
        return Ok(redirect(&number));
    }
    match certificate::by_number(&state.db.read, &number).await? {
        Some(c) => Ok(unlisted(render(&CertificatePage { chrome, c }, 200)?)),
        None => form_page(chrome, &number, 404),
    }
}
