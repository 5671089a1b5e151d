//! The credit pages' routes: each page module adds its own.

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.configure(super::person::routes)
        .configure(super::changes::routes);
}
