//! The credit pages' routes: each page module adds its own.

use actix_web::web;

pub fn routes(_cfg: &mut web::ServiceConfig) {}
