//! Item analysis over real attempts and the Department's overview: approved results taken
//! apart into one row per item (`index`, fed by `queue`), the statistics of a bank's or a
//! blueprint's items (`items_page`), and sittings, pass rates, credits, certificates and the
//! items to check across centres and months (`overview`). Depends only downward (grading,
//! results, sessions, banks, blueprints); nothing below imports it but the queue's two calls.

pub mod chart;
pub mod index;
pub mod item_table;
pub mod items_page;
pub mod model;
#[cfg(test)]
mod model_tests;
pub mod overview;
pub mod overview_view;
pub mod queue;
pub mod store;
pub mod synthetic;

/// Every route of item analysis and the overview.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    items_page::routes(cfg);
    overview::routes(cfg);
}

/// Takes apart newly approved results every few seconds, so the pages rarely have any left
/// to do when they are opened; runs until the server stops.
pub async fn run(db: crate::db::Db) {
    loop {
        if let Err(e) = index::catch_up(&db).await {
            tracing::warn!(error = %e, "item analysis: taking results apart failed; retrying");
        }
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
}
