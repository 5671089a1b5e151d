//! The provincial read-only API (`/api/v1`): per-organisation API tokens (`tokens`, managed on
//! `pages`), whose scope (`model::Scope`) decides which ledger rows, certificates and people a
//! call sees (`store`); the feeds and a person's record as JSON or CSV (`handlers`, `shape`),
//! their signed transcript (`transcript`), refusals as JSON (`errors`). Reads `credits`; nothing imports it but `startup`.

pub mod errors;
pub mod handlers;
pub mod model;
pub mod pages;
pub mod shape;
pub mod store;
pub mod tokens;
pub mod transcript;

pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.configure(handlers::routes)
        .configure(transcript::routes)
        .configure(pages::routes);
}
