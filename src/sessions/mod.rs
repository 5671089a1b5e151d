//! Exam sessions (ca thi): scheduling, rosters and access slips for centre managers; the
//! proctor's console with its actions, live progress and incident log. (The session
//! report, which shows results, is `results::report`.)

pub mod admission;
pub mod cancel;
pub mod codes;
pub mod console;
pub mod enrolment;
pub mod interventions;
pub mod model;
pub mod pages;
pub mod progress;
pub mod roster;
pub mod roster_template;
pub mod schedule;
pub mod slips;
pub mod start;
pub mod store;

use crate::{
    accounts::{SessionUser, model::Role},
    db::Db,
    web::AppError,
};
use model::ExamSession;

pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    // Before `/sessions/{id}`.
    roster_template::routes(cfg);
    pages::routes(cfg);
    // Before the console's `/attempts/{attempt}/{action}`.
    cancel::routes(cfg);
    console::routes(cfg);
    slips::routes(cfg);
}

/// The session, if this staff member may act on it: an admin on their department's, a centre
/// manager on their centre's, a proctor on those assigned to them. Anything else is "not
/// found", so its existence is not revealed.
pub async fn visible_to(db: &Db, user: &SessionUser, id: &str) -> Result<ExamSession, AppError> {
    let session = store::by_id(&db.read, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let allowed = match user.role {
        Role::Admin => crate::orgs::visible_to(db, user, &session.organisation_id)
            .await
            .is_ok(),
        Role::CentreManager => session.organisation_id == user.organisation_id,
        Role::Proctor => store::is_proctor(&db.read, &session.id, &user.id).await?,
    };
    if allowed {
        Ok(session)
    } else {
        Err(AppError::NotFound)
    }
}
