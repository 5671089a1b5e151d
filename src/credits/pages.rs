//! The credit pages' routes (each page module adds its own), and who among staff may see a
//! person's credits and certificates: they accumulate across centres, so every admin of the
//! person's Department and every centre manager of its centres.

use actix_web::web;

use crate::{
    accounts::{Staff, model::Action},
    web::AppError,
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(super::verify::routes)
        .configure(super::print::routes)
        .configure(super::register::routes)
        .configure(super::person::routes)
        .configure(super::changes::routes);
}

/// Refuses unless the staff member may see credits and certificates of `department_id`
/// (a person's or an issuer's Department): 403 for a proctor, 404 for another Department.
pub fn may_see_credits(staff: &Staff, department_id: &str) -> Result<(), AppError> {
    staff.require(Action::ManageResults)?;
    if staff.user.department_id == department_id {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
