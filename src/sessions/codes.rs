//! Reissuing a candidate's access code, from the slips page or from the proctor's console: the
//! next generation's code replaces the old one, every computer that used the old one is signed
//! out, the number's wrong codes are forgotten and a start after the late-entry cut-off allowed.

use actix_web::{HttpResponse, http::header, web};
use sqlx::AnyConnection;

use super::{enrolment::code_digest, visible_to};
use crate::{
    accounts::{Staff, model::Action},
    attempts::{
        detail::Detail,
        devices, guessing,
        store::{self as attempts, LogEntry, Note, RosterEntry},
    },
    web::{AppError, AppState},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/sessions/{id}/attempts/{attempt}/code",
        web::post().to(reissue),
    );
}

/// What a reissue did.
pub struct Reissued {
    pub generation: i64,
    pub signed_out: u64,
}

impl Reissued {
    /// The log's detail.
    pub fn detail(&self, entry: &RosterEntry) -> String {
        Detail::Reissued(
            entry.candidate_number.clone(),
            self.generation,
            self.signed_out,
        )
        .into()
    }
}

/// Reissues `entry`'s code in the caller's write transaction, on `actor`'s decision.
pub async fn reissue_in(
    conn: &mut AnyConnection,
    state: &AppState,
    entry: &RosterEntry,
    actor: &str,
) -> sqlx::Result<Reissued> {
    let generation = attempts::reissue_code(&mut *conn, &entry.id, &code_digest(state)).await?;
    let signed_out = devices::revoke_all(&mut *conn, &entry.id, actor).await?;
    // The new code may be typed at once, and used after the late-entry cut-off.
    guessing::unlock(&mut *conn, entry, actor).await?;
    Ok(Reissued {
        generation,
        signed_out,
    })
}

async fn reissue(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::RunSessions)?;
    let (session_id, attempt_id) = path.into_inner();
    let session = visible_to(&state.db, &staff.user, &session_id).await?;
    if let Some(key) = session.over() {
        return Err(AppError::Conflict(key));
    }
    let entry = attempts::entry(&state.db.read, &attempt_id)
        .await?
        .filter(|e| e.session_id == session.id)
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin_write().await?;
    let reissued = reissue_in(&mut tx, &state, &entry, &staff.user.id).await?;
    let note = Note {
        actor: Some(&staff.user.id),
        detail: reissued.detail(&entry),
        ..Note::default()
    };
    let log = LogEntry {
        session_id: &session.id,
        attempt_id: Some(&entry.id),
        action: "code_reissue",
        states: None,
        note,
    };
    attempts::log(&mut tx, log).await?;
    tx.commit().await?;
    let target = format!("/sessions/{}/slips?attempt={}", session.id, entry.id);
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .finish())
}
