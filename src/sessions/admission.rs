//! Letting candidates in: the identity check against the roster (who, when), authorising one
//! candidate or everyone checked in, opening the session, approving a candidate's new
//! computer, and (with a reason) unlocking a guessed number or reissuing its code.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{
    console::{accepting, back_to_console, change_all, change_one},
    interventions::{ReasonForm, act_page, read_reason},
    store,
};
use crate::{
    accounts::Staff,
    attempts::{
        clock::Change,
        detail::Detail,
        devices, guessing,
        model::AttemptState,
        store::{self as attempts, LogEntry, Note},
    },
    clock,
    web::{AppError, AppState, FormErrors},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/open", web::post().to(open))
        .route(
            "/sessions/{id}/authorise-all",
            web::post().to(authorise_all),
        )
        .route(
            "/sessions/{id}/attempts/{attempt}/check-in",
            web::post().to(check_in),
        )
        .route(
            "/sessions/{id}/attempts/{attempt}/approve-device",
            web::post().to(approve_device),
        )
        .route(
            "/sessions/{id}/attempts/{attempt}/authorise",
            web::post().to(authorise),
        )
        .route(
            "/sessions/{id}/attempts/{attempt}/unlock",
            web::post().to(unlock),
        )
        .route(
            "/sessions/{id}/attempts/{attempt}/reissue",
            web::post().to(reissue),
        );
}

async fn check_in(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, attempt) = path.into_inner();
    let session = accepting(&staff, &state, &id).await?;
    let note = Note {
        actor: Some(&staff.user.id),
        detail: Detail::IdentityChecked.into(),
        ..Note::default()
    };
    let change = Change::CheckIn {
        by: staff.user.id.clone(),
    };
    change_one(&state, &session, &attempt, change, note).await
}

async fn authorise(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, attempt) = path.into_inner();
    let session = accepting(&staff, &state, &id).await?;
    let note = Note {
        actor: Some(&staff.user.id),
        ..Note::default()
    };
    change_one(&state, &session, &attempt, Change::Authorise, note).await
}

async fn authorise_all(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let session = accepting(&staff, &state, &path).await?;
    let note = Note {
        actor: Some(&staff.user.id),
        detail: Detail::EveryoneCheckedIn.into(),
        ..Note::default()
    };
    let n = change_all(
        &state,
        &session,
        AttemptState::CheckedIn,
        &Change::Authorise,
        &note,
    )
    .await?;
    Ok(back_to_console(
        &session.id,
        "console.authorised_all",
        &n.to_string(),
    ))
}

async fn open(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let session = accepting(&staff, &state, &path).await?;
    let now = clock::now_ms();
    if session
        .opens_from(state.settings.open_early_minutes, now)
        .is_some()
    {
        let notice = "session.more.open_early_not_allowed";
        return Ok(back_to_console(&session.id, notice, ""));
    }
    let mut tx = state.db.begin_write().await?;
    if store::open(&mut tx, &session.id, now).await? {
        let note = Note {
            actor: Some(&staff.user.id),
            ..Note::default()
        };
        let entry = LogEntry {
            session_id: &session.id,
            attempt_id: None,
            action: "session_open",
            states: None,
            note,
        };
        attempts::log(&mut tx, entry).await?;
    }
    // Committed either way: an uncommitted write transaction costs SQLite its writer.
    tx.commit().await?;
    Ok(back_to_console(&session.id, "console.opened", ""))
}

/// Lets a candidate's waiting computer in (a second sign-in, or a return that needs the
/// proctor): it becomes the attempt's only computer.
async fn approve_device(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<DeviceForm>,
) -> Result<HttpResponse, AppError> {
    let device = form.into_inner().device;
    let (id, attempt) = path.into_inner();
    let session = accepting(&staff, &state, &id).await?;
    let entry = attempts::entry(&state.db.read, &attempt)
        .await?
        .filter(|e| e.session_id == session.id)
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let approved = devices::approve(
        &mut tx,
        &session.id,
        &entry.id,
        Some(&device),
        &staff.user.id,
    )
    .await?;
    tx.commit().await?;
    let notice = if approved {
        "console.device_approved"
    } else {
        "console.not_allowed"
    };
    Ok(back_to_console(
        &session.id,
        notice,
        &entry.candidate_number,
    ))
}

/// Which waiting computer the proctor approves (the digest the console shows in its form).
#[derive(Deserialize)]
struct DeviceForm {
    #[serde(default)]
    device: String,
}

/// Forgets a number's wrong codes, so the candidate may sign in again at once, and lets them
/// start after the late-entry cut-off; logged with the proctor's reason.
async fn unlock(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    sign_in_help(staff, state, path, form, "unlock").await
}

/// A new access code (the old one stops working and every computer that used it is signed
/// out); the candidate may start after the late-entry cut-off; logged with the reason.
async fn reissue(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    sign_in_help(staff, state, path, form, "reissue").await
}

async fn sign_in_help(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<ReasonForm>,
    action: &str,
) -> Result<HttpResponse, AppError> {
    let (id, attempt) = path.into_inner();
    let form = form.into_inner();
    let session = accepting(&staff, &state, &id).await?;
    let Ok((reason, comment, _)) = read_reason(&form, false) else {
        let ids = (id, attempt, action.to_string());
        return act_page(
            staff,
            &state,
            ids,
            form,
            FormErrors::one("reason", "console.reason_required"),
        )
        .await;
    };
    let entry = attempts::entry(&state.db.read, &attempt)
        .await?
        .filter(|e| e.session_id == session.id)
        .ok_or(AppError::NotFound)?;
    let proctor = staff.user.id.as_str();
    let mut tx = state.db.begin_write().await?;
    let (log_action, detail) = if action == "reissue" {
        let reissued = super::codes::reissue_in(&mut tx, &state, &entry, proctor).await?;
        ("code_reissue", reissued.detail(&entry))
    } else {
        let forgotten = guessing::unlock(&mut tx, &entry, proctor).await?;
        let detail = Detail::Unlocked(entry.candidate_number.clone(), forgotten);
        ("sign_in_unlocked", detail.into())
    };
    let note = Note {
        actor: Some(proctor),
        reason: Some(reason.code()),
        comment: &comment,
        detail,
    };
    let log = LogEntry {
        session_id: &session.id,
        attempt_id: Some(&entry.id),
        action: log_action,
        states: None,
        note,
    };
    attempts::log(&mut tx, log).await?;
    tx.commit().await?;
    tracing::info!(attempt.id = %entry.id, action = log_action, "proctor helped a candidate sign in");
    if action == "reissue" {
        let target = format!("/sessions/{}/slips?attempt={}", session.id, entry.id);
        return Ok(HttpResponse::SeeOther()
            .insert_header((actix_web::http::header::LOCATION, target))
            .finish());
    }
    Ok(back_to_console(
        &session.id,
        "staff.more.done_unlock",
        &entry.candidate_number,
    ))
}
