//! Letting candidates in: the identity check against the roster (who, when), authorising one
//! candidate or everyone checked in, opening the session, and approving a candidate's new
//! computer.

use actix_web::{HttpResponse, web};

use super::{
    console::{accepting, back_to_console, change_all, change_one},
    store,
};
use crate::{
    accounts::Staff,
    attempts::{
        clock::Change,
        model::AttemptState,
        store::{self as attempts, LogEntry, Note},
    },
    clock,
    web::{AppError, AppState},
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
        detail: "identity document matches the roster".into(),
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
        detail: "everyone checked in".into(),
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
    let mut tx = state.db.begin_write().await?;
    if store::open(&mut tx, &session.id, clock::now_ms()).await? {
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
        tx.commit().await?;
    }
    Ok(back_to_console(&session.id, "console.opened", ""))
}

/// Lets a candidate's waiting computer in (a second sign-in, or a return that needs the
/// proctor): it becomes the attempt's only computer.
async fn approve_device(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, attempt) = path.into_inner();
    let session = accepting(&staff, &state, &id).await?;
    let entry = attempts::entry(&state.db.read, &attempt)
        .await?
        .filter(|e| e.session_id == session.id)
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let approved =
        crate::attempts::devices::approve(&mut tx, &session.id, &entry.id, &staff.user.id).await?;
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
