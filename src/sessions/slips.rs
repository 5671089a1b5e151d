//! Access slips (phiếu dự thi): an A4 page of slips, each with the candidate number, the
//! access code and how to sign in. Codes are derived again from the server secret when the
//! page is printed; the database holds only their digests.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{model::ExamSession, visible_to};
use crate::{
    accounts::{Staff, model::Action},
    attempts::store::{self as attempts, RosterEntry},
    orgs,
    vocab::display_date,
    web::{AppError, AppState, Chrome, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/slips", web::get().to(slips));
}

/// One slip.
pub struct Slip {
    pub entry: RosterEntry,
    pub code: String,
}

impl Slip {
    fn birth(&self) -> String {
        display_date(&self.entry.birth_date)
    }
}

#[derive(Template)]
#[template(path = "sessions/slips.html")]
struct SlipsPage {
    chrome: Chrome,
    session: ExamSession,
    centre_name: String,
    sign_in_url: String,
    /// The public address is loopback: the page warns (not printed) before slips go out.
    loopback: bool,
    slips: Vec<Slip>,
}

#[derive(Deserialize)]
struct SlipsQuery {
    attempt: Option<String>,
}

async fn slips(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<SlipsQuery>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::RunSessions)?;
    let session = visible_to(&state.db, &staff.user, &path).await?;
    let centre_name = orgs::store::by_id(&state.db.read, &session.organisation_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let slips: Vec<Slip> = attempts::roster(&state.db.read, &session.id)
        .await?
        .into_iter()
        .filter(|e| query.attempt.as_ref().is_none_or(|a| *a == e.id))
        .map(|entry| Slip {
            code: crate::attempts::access_code(
                state.server_key(),
                &entry.id,
                entry.code_generation,
            ),
            entry,
        })
        .collect();
    if query.attempt.is_some() && slips.is_empty() {
        return Err(AppError::NotFound);
    }
    let sign_in_url = format!("{}thi", state.settings.public_url);
    let page = SlipsPage {
        chrome: staff.chrome,
        session,
        centre_name,
        sign_in_url,
        loopback: state.settings.public_url_is_loopback(),
        slips,
    };
    render(&page, 200)
}
