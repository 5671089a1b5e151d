//! Undoing what was planned, with a reason, before anything happened: cancelling a session
//! that has not opened (huỷ ca thi), and taking a candidate who has not started off its
//! roster. Each asks on a page of its own (no JavaScript needed), then writes the change, the
//! session's log entry and the audit entry in one transaction.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    model::{ExamSession, Status},
    store, visible_to,
};
use crate::{
    accounts::{Staff, model::Action},
    attempts::{
        devices,
        store::{self as attempts, LogEntry, Note, RosterEntry},
    },
    audit, clock,
    web::{AppError, AppState, Chrome, FormErrors, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/cancel", web::get().to(cancel_page))
        .route("/sessions/{id}/cancel", web::post().to(cancel))
        .route(
            "/sessions/{id}/attempts/{attempt}/remove",
            web::get().to(remove_page),
        )
        .route(
            "/sessions/{id}/attempts/{attempt}/remove",
            web::post().to(remove),
        );
}

/// The reason typed on the confirmation page.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    pub reason: String,
}

impl ReasonForm {
    /// The reason on one line, or the form's error.
    fn reason(&self) -> Result<String, FormErrors> {
        crate::text::required_name(&self.reason, 500)
            .map_err(|_| FormErrors::one("reason", "session.more.reason_required"))
    }
}

#[derive(Template)]
#[template(path = "sessions/cancel.html")]
struct ConfirmPage {
    chrome: Chrome,
    session: ExamSession,
    /// The candidate to take off the roster; None to cancel the session.
    candidate: Option<RosterEntry>,
    form: ReasonForm,
    errors: FormErrors,
}

impl ConfirmPage {
    /// The page asking for the reason (`form`, with its `errors` when sent back).
    fn of(
        staff: Staff,
        session: ExamSession,
        candidate: Option<RosterEntry>,
        form: ReasonForm,
        errors: FormErrors,
    ) -> Self {
        ConfirmPage {
            chrome: staff.chrome,
            session,
            candidate,
            form,
            errors,
        }
    }

    fn action(&self) -> String {
        match &self.candidate {
            Some(c) => format!("/sessions/{}/attempts/{}/remove", self.session.id, c.id),
            None => format!("/sessions/{}/cancel", self.session.id),
        }
    }

    fn title_key(&self) -> &'static str {
        match self.candidate {
            Some(_) => "session.more.remove_title",
            None => "session.more.cancel_title",
        }
    }
}

/// The session, if this user may change its plan and it has not opened.
async fn still_planned(staff: &Staff, state: &AppState, id: &str) -> Result<ExamSession, AppError> {
    staff.require(Action::ScheduleSessions)?;
    let session = visible_to(&state.db, &staff.user, id).await?;
    match session.status() {
        Status::Scheduled => Ok(session),
        Status::Cancelled => Err(AppError::Conflict("session.more.cancelled")),
        Status::Open | Status::Closed => Err(AppError::Conflict("session.more.not_cancellable")),
    }
}

/// The candidate, if still on this session's roster and not started.
async fn removable(
    staff: &Staff,
    state: &AppState,
    (id, attempt): (&str, &str),
) -> Result<(ExamSession, RosterEntry), AppError> {
    staff.require(Action::ScheduleSessions)?;
    let session = visible_to(&state.db, &staff.user, id).await?;
    if session.ended() {
        return Err(AppError::Conflict("session.closed"));
    }
    let entry = attempts::entry(&state.db.read, attempt)
        .await?
        .filter(|e| e.session_id == session.id)
        .ok_or(AppError::NotFound)?;
    if !entry.clock.state().removable() {
        return Err(AppError::Conflict("session.more.not_removable"));
    }
    Ok((session, entry))
}

async fn cancel_page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let session = still_planned(&staff, &state, &path).await?;
    let page = ConfirmPage::of(
        staff,
        session,
        None,
        ReasonForm::default(),
        FormErrors::default(),
    );
    render(&page, 200)
}

/// What both changes write besides themselves: the session's log and the audit trail.
struct Record<'a> {
    session: &'a ExamSession,
    attempt_id: Option<&'a str>,
    action: &'a str,
    reason: &'a str,
    detail: String,
}

async fn record(tx: &mut sqlx::AnyConnection, actor: &str, r: Record<'_>) -> sqlx::Result<()> {
    let note = Note {
        actor: Some(actor),
        comment: r.reason,
        detail: r.detail.clone(),
        ..Note::default()
    };
    let entry = LogEntry {
        session_id: &r.session.id,
        attempt_id: r.attempt_id,
        action: r.action,
        states: None,
        note,
    };
    attempts::log(&mut *tx, entry).await?;
    let entry = audit::AuditEntry {
        actor: Some(actor),
        action: r.action,
        subject_id: r.attempt_id.unwrap_or(&r.session.id),
        detail: format!("{}: {}", r.detail, r.reason),
    };
    audit::record(tx, entry).await
}

async fn cancel(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let session = still_planned(&staff, &state, &path).await?;
    let form = form.into_inner();
    let reason = match form.reason() {
        Ok(reason) => reason,
        Err(errors) => {
            let page = ConfirmPage::of(staff, session, None, form, errors);
            return render(&page, 422);
        }
    };
    let actor = &staff.user.id;
    let mut tx = state.db.begin_write().await?;
    if !store::cancel(&mut tx, &session.id, actor, &reason, clock::now_ms()).await? {
        return Err(AppError::Conflict("session.more.not_cancellable"));
    }
    let r = Record {
        session: &session,
        attempt_id: None,
        action: "session_cancel",
        reason: &reason,
        detail: format!("{} {}", session.code, session.title),
    };
    record(&mut tx, actor, r).await?;
    tx.commit().await?;
    tracing::info!(session.id = %session.id, "session cancelled");
    Ok(see_other(&format!("/sessions/{}", session.id)))
}

async fn remove_page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, attempt) = path.into_inner();
    let (session, entry) = removable(&staff, &state, (&id, &attempt)).await?;
    let page = ConfirmPage::of(
        staff,
        session,
        Some(entry),
        ReasonForm::default(),
        FormErrors::default(),
    );
    render(&page, 200)
}

async fn remove(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let (id, attempt) = path.into_inner();
    let (session, entry) = removable(&staff, &state, (&id, &attempt)).await?;
    let form = form.into_inner();
    let reason = match form.reason() {
        Ok(reason) => reason,
        Err(errors) => {
            let page = ConfirmPage::of(staff, session, Some(entry), form, errors);
            return render(&page, 422);
        }
    };
    let actor = &staff.user.id;
    let mut tx = state.db.begin_write().await?;
    if !attempts::remove_from_roster(&mut tx, &entry.id).await? {
        return Err(AppError::Conflict("session.more.not_removable"));
    }
    devices::revoke_all(&mut tx, &entry.id, actor).await?;
    let r = Record {
        session: &session,
        attempt_id: Some(&entry.id),
        action: "roster_remove",
        reason: &reason,
        detail: format!("{} {}", entry.candidate_number, entry.full_name),
    };
    record(&mut tx, actor, r).await?;
    tx.commit().await?;
    tracing::info!(session.id = %session.id, attempt.id = %entry.id, "candidate taken off the roster");
    let removed: String =
        url::form_urlencoded::byte_serialize(entry.candidate_number.as_bytes()).collect();
    Ok(see_other(&format!(
        "/sessions/{}?removed={removed}#roster",
        session.id
    )))
}

fn see_other(target: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target.to_string()))
        .finish()
}
